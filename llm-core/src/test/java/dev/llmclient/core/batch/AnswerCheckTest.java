package dev.llmclient.core.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import dev.llmclient.api.EmptyResponseException;
import dev.llmclient.api.InvalidResponseException;
import dev.llmclient.api.LlmResponse;
import dev.llmclient.api.RefusalException;
import dev.llmclient.api.Usage;
import dev.llmclient.api.spi.ChatCompletion;
import dev.llmclient.api.spi.RateLimitInfo;
import dev.llmclient.core.internal.schema.ResponseSchema;
import java.io.IOException;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * A batch answer is checked as an online answer is, but every failure is final: typed like the
 * online failure, with the provider and request id, and a message that says to retry online.
 */
class AnswerCheckTest {

  record City(String name, int population) {}

  /** A deserializer that maps every answer to null, as a careless custom one might. */
  static final class NullDeserializer extends StdDeserializer<Nothing> {
    private static final long serialVersionUID = 1L;

    NullDeserializer() {
      super(Nothing.class);
    }

    @Override
    public @Nullable Nothing deserialize(JsonParser p, DeserializationContext ctxt)
        throws IOException {
      p.skipChildren();
      return null;
    }
  }

  @JsonDeserialize(using = NullDeserializer.class)
  record Nothing(String name) {}

  static final Usage USAGE = new Usage(11, 7, 0, 0);

  static ChatCompletion completion(
      @Nullable String content,
      @Nullable String refusal,
      @Nullable String finishReason,
      @Nullable String model) {
    return new ChatCompletion(
        content, refusal, finishReason, USAGE, model, "cmpl-1", "req-7", RateLimitInfo.NONE);
  }

  static <T> LlmResponse<T> json(ChatCompletion c, @Nullable ResponseSchema schema) {
    return AnswerCheck.check(c, schema, false, "gpt-fallback", "openai");
  }

  static LlmResponse<String> text(ChatCompletion c) {
    return AnswerCheck.check(c, null, true, "gpt-fallback", "openai");
  }

  @Test
  void aTypedAnswerIsValidatedMappedAndCarriesWhatTheCompletionSaysOfItself() {
    LlmResponse<City> r =
        json(
            completion("{\"name\":\"Oslo\",\"population\":709000}", null, "stop", "gpt-4o-0806"),
            ResponseSchema.forType(City.class));

    assertThat(r.value()).isEqualTo(new City("Oslo", 709000));
    assertThat(r.json()).containsEntry("name", "Oslo").containsEntry("population", 709000);
    assertThat(r.model()).isEqualTo("gpt-4o-0806");
    assertThat(r.finishReason()).isEqualTo("stop");
    assertThat(r.usage()).isEqualTo(USAGE);
    assertThat(r.attempts()).isEqualTo(1);
    assertThat(r.reasks()).isZero();
    assertThat(r.requestId()).isEqualTo("req-7");
  }

  @Test
  void aFencedAnswerWithoutSchemaIsAMapAndTheRequestModelStandsInForAMissingOne() {
    LlmResponse<Map<String, Object>> r =
        json(completion("```json\n{\"ok\":true}\n```", "  ", "stop", null), null);

    assertThat(r.value()).isEqualTo(Map.of("ok", true));
    assertThat(r.model()).isEqualTo("gpt-fallback");
  }

  @Test
  void aRefusalIsARefusalExceptionWithTheModelsWordsProviderAndRequestId() {
    assertThatThrownBy(() -> json(completion(null, "I can't help with that.", "stop", null), null))
        .isInstanceOfSatisfying(
            RefusalException.class,
            e -> {
              assertThat(e.refusal()).isEqualTo("I can't help with that.");
              assertThat(e.provider()).isEqualTo("openai");
              assertThat(e.requestId()).isEqualTo("req-7");
              assertThat(e.isRetryable()).isFalse();
            });
    assertThatThrownBy(() -> text(completion("partial", "No.", "stop", null)))
        .isInstanceOf(RefusalException.class)
        .hasMessageContaining("No.");
  }

  @Test
  void noContentIsEmptyAndSaysWhetherMaxTokensCutItOff() {
    assertThatThrownBy(() -> json(completion(null, null, "stop", null), null))
        .isInstanceOf(EmptyResponseException.class)
        .hasMessageContaining("no content; check the prompt, or retry the request online");
    assertThatThrownBy(() -> json(completion("```json\n```", null, "length", null), null))
        .isInstanceOf(EmptyResponseException.class)
        .hasMessageContaining("reached max tokens; raise maxTokens");
  }

  @Test
  void textThatIsNotJsonIsInvalidWithAShortExcerptAndTheParserCause() {
    String prose = "Sure! Here is the city you asked for, described at length: ".repeat(3);

    assertThatThrownBy(() -> json(completion(prose, null, "stop", null), null))
        .isInstanceOfSatisfying(
            InvalidResponseException.class,
            e -> {
              assertThat(e.getMessage())
                  .startsWith("The model's batch answer could not be used: the reply is not valid")
                  .contains("Retry the request online to let the client re-ask")
                  .contains("It began: " + prose.substring(0, 80) + "...")
                  .doesNotContain(prose.substring(0, 81));
              assertThat(e.getCause()).isNotNull();
              assertThat(e.requestId()).isEqualTo("req-7");
            });
  }

  @Test
  void jsonThatIsNotAnObjectOrBreaksTheSchemaIsInvalidAndShownWhole() {
    assertThatThrownBy(() -> json(completion("[1,2]", null, "stop", null), null))
        .isInstanceOf(InvalidResponseException.class)
        .hasMessageContaining("must be a JSON object, but it is array")
        .hasMessageContaining("It began: [1,2]");
    assertThatThrownBy(
            () ->
                json(
                    completion("{\"name\":\"Oslo\"}", null, "stop", null),
                    ResponseSchema.forType(City.class)))
        .isInstanceOf(InvalidResponseException.class)
        .hasMessageContaining("does not match the JSON schema")
        .hasMessageContaining("population")
        .hasMessageNotContaining("...");
  }

  @Test
  void anAnswerThatMapsToNullIsInvalidNotANullValue() {
    assertThatThrownBy(
            () ->
                json(
                    completion("{\"name\":\"x\"}", null, "stop", null),
                    ResponseSchema.forType(Nothing.class)))
        .isInstanceOf(InvalidResponseException.class)
        .hasMessageContaining("mapping the answer gave null");
  }

  @Test
  void aTextAnswerIsTheContentAsItIs() {
    LlmResponse<String> r = text(completion("  Oslo, mostly.\n", null, "stop", "gpt-4o"));

    assertThat(r.value()).isEqualTo("  Oslo, mostly.\n");
    assertThat(r.hasValue()).isTrue();
    assertThat(r.model()).isEqualTo("gpt-4o");
    assertThat(r.requestId()).isEqualTo("req-7");
  }

  @Test
  void anEmptyTextIsEmptyAndSaysWhetherMaxTokensCutItOff() {
    assertThatThrownBy(() -> text(completion(null, null, "stop", null)))
        .isInstanceOf(EmptyResponseException.class)
        .hasMessageContaining("no text; check the prompt, or retry the request online");
    assertThatThrownBy(() -> text(completion(" \n", null, "length", null)))
        .isInstanceOf(EmptyResponseException.class)
        .hasMessageContaining("no text because it reached max tokens; raise maxTokens");
  }

  @Test
  void aTextCutOffAtMaxTokensIsInvalidNotAShortAnswer() {
    assertThatThrownBy(() -> text(completion("Oslo is the capital of", null, "length", null)))
        .isInstanceOf(InvalidResponseException.class)
        .hasMessageContaining("the text was cut off at max tokens; raise maxTokens")
        .hasMessageContaining("It began: Oslo is the capital of");
  }
}
