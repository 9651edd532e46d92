package dev.llmclient.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ChunkReaderTest {

  private static ChunkReader.Chunk read(String json) throws Exception {
    byte[] bytes =
        (json + "trailing bytes the parser must not read").getBytes(StandardCharsets.UTF_8);
    return ChunkReader.read(bytes, json.getBytes(StandardCharsets.UTF_8).length);
  }

  @Test
  void theChoiceWithIndexZeroIsReadWhereverItIsListed() throws Exception {
    ChunkReader.Chunk c =
        read(
            "{\"id\":\"c1\",\"model\":\"m\",\"choices\":[{\"delta\":{\"content\":\"no\"},\"index\":1},"
                + "{\"delta\":{\"content\":\"yes\",\"refusal\":null},\"logprobs\":null,"
                + "\"finish_reason\":\"stop\",\"index\":0}]}");
    assertThat(c.content()).isEqualTo("yes");
    assertThat(c.finishReason()).isEqualTo("stop");
    assertThat(c.id()).isEqualTo("c1");
    assertThat(c.model()).isEqualTo("m");
    assertThat(c.logprobs()).isEmpty();
    assertThat(c.usage()).isNull();
  }

  @Test
  void usageToolCallsAndLogprobsAreBound() throws Exception {
    ChunkReader.Chunk c =
        read(
            "{\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":1,\"id\":\"call_1\","
                + "\"function\":{\"name\":\"f\",\"arguments\":\"{\\\"a\\\"\"}}]},"
                + "\"logprobs\":{\"content\":[{\"token\":\"Hi\",\"logprob\":-0.5,\"bytes\":[72,105],"
                + "\"top_logprobs\":[{\"token\":\"Hi\",\"logprob\":-0.5}]}]}}],"
                + "\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":4,"
                + "\"prompt_tokens_details\":{\"cached_tokens\":1}}}");
    assertThat(c.toolCalls()).hasSize(1);
    assertThat(c.toolCalls().get(0).index()).isEqualTo(1);
    assertThat(c.toolCalls().get(0).id()).isEqualTo("call_1");
    assertThat(c.toolCalls().get(0).name()).isEqualTo("f");
    assertThat(c.toolCalls().get(0).argumentsDelta()).isEqualTo("{\"a\"");
    assertThat(c.logprobs()).hasSize(1);
    assertThat(c.logprobs().get(0).token()).isEqualTo("Hi");
    assertThat(c.logprobs().get(0).logprob()).isEqualTo(-0.5);
    assertThat(c.logprobs().get(0).topAlternatives()).hasSize(1);
    assertThat(c.logprobs().get(0).bytes()).containsExactly(72, 105);
    assertThat(c.logprobs().get(0).topAlternatives().get(0).bytes()).isNull();
    assertThat(c.usage().promptTokens()).isEqualTo(3);
    assertThat(c.usage().completionTokens()).isEqualTo(4);
    assertThat(c.usage().promptTokensDetails().cachedTokens()).isEqualTo(1);
  }

  @Test
  void anErrorObjectIsKeptWhole() throws Exception {
    ChunkReader.Chunk c = read("{\"choices\":[],\"error\":{\"message\":\"boom\",\"code\":\"x\"}}");
    assertThat(c.error()).isNotNull();
    assertThat(c.error().path("message").asText()).isEqualTo("boom");
  }

  @Test
  void azureFilterResultsAreReadAndEmptyOnesAreNone() throws Exception {
    ChunkReader.Chunk c =
        read(
            "{\"choices\":[{\"index\":0,\"delta\":{},\"content_filter_results\":{}}],"
                + "\"prompt_filter_results\":[{\"prompt_index\":0,\"content_filter_results\":"
                + "{\"hate\":{\"filtered\":false,\"severity\":\"safe\"}}}]}");
    assertThat(c.contentFilterResults()).isNull();
    assertThat(c.promptFilterResults().path("hate").path("severity").asText()).isEqualTo("safe");
  }

  @Test
  void wrongShapesAreRefused() {
    assertThatThrownBy(() -> read("[1]")).isInstanceOf(Json.WrongShapeException.class);
    assertThatThrownBy(() -> read("{\"choices\":{}}")).isInstanceOf(Json.WrongShapeException.class);
    assertThatThrownBy(() -> read("{\"usage\":5}")).isInstanceOf(Json.WrongShapeException.class);
    assertThatThrownBy(
            () ->
                read(
                    "{\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"function\":{}}]}}]}"))
        .isInstanceOf(Json.WrongShapeException.class)
        .hasMessageContaining("non-negative index");
    assertThatThrownBy(() -> read("{\"choices\":[")).isInstanceOf(java.io.IOException.class);
  }
}
