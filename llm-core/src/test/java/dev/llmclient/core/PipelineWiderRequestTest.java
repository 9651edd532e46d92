package dev.llmclient.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmclient.api.ContentPart;
import dev.llmclient.api.LlmClient;
import dev.llmclient.api.LlmRequest;
import dev.llmclient.api.Message;
import dev.llmclient.api.Tool;
import dev.llmclient.api.ToolChoice;
import dev.llmclient.api.spi.ChatCompletionRequest;
import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.api.spi.ToolDefinition;
import dev.llmclient.api.spi.Tracer;
import dev.llmclient.testkit.ScriptedChatBackend;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The per-call settings of the wider port reach the backend's request unchanged. */
class PipelineWiderRequestTest {

  record Weather(String city, int days) {}

  final ScriptedChatBackend backend = new ScriptedChatBackend();
  final ManualScheduler scheduler = new ManualScheduler();

  LlmClient client() {
    return LlmClients.builder()
        .backend(backend)
        .settings(ProviderSettings.empty())
        .tracer(Tracer.noop())
        .clock(scheduler.clock())
        .scheduler(scheduler)
        .random(() -> 0.0)
        .build();
  }

  @Test
  void everyWiderSettingIsPassedToTheBackend() {
    backend.enqueueContent("{\"ok\":true}");
    Tool weather = Tool.of("get_weather", "The forecast for a city", Weather.class);
    LlmRequest<?> request =
        LlmRequest.builder()
            .addMessage(Message.user("Weather in Oslo?"))
            .model("my-deployment")
            .topP(0.9)
            .seed(42L)
            .stop(List.of("END"))
            .presencePenalty(0.1)
            .frequencyPenalty(-0.1)
            .user("user-1")
            .safetyIdentifier("hash-1")
            .topLogprobs(2)
            .serviceTier("flex")
            .reasoningEffort("low")
            .verbosity("high")
            .tools(List.of(weather))
            .toolChoice(ToolChoice.named("get_weather"))
            .parallelToolCalls(false)
            .build();

    try (LlmClient llm = client()) {
      llm.generate(request);
    }

    ChatCompletionRequest sent = backend.lastRequest();
    assertThat(sent.model()).isEqualTo("my-deployment");
    assertThat(sent.topP()).isEqualTo(0.9);
    assertThat(sent.seed()).isEqualTo(42L);
    assertThat(sent.stop()).containsExactly("END");
    assertThat(sent.presencePenalty()).isEqualTo(0.1);
    assertThat(sent.frequencyPenalty()).isEqualTo(-0.1);
    assertThat(sent.user()).isEqualTo("user-1");
    assertThat(sent.safetyIdentifier()).isEqualTo("hash-1");
    assertThat(sent.logprobs()).isTrue();
    assertThat(sent.topLogprobs()).isEqualTo(2);
    assertThat(sent.serviceTier()).isEqualTo("flex");
    assertThat(sent.reasoningEffort()).isEqualTo("low");
    assertThat(sent.verbosity()).isEqualTo("high");
    assertThat(sent.toolChoice()).isEqualTo(ToolChoice.named("get_weather"));
    assertThat(sent.parallelToolCalls()).isFalse();
    assertThat(sent.tools()).hasSize(1);
    ToolDefinition tool = sent.tools().get(0);
    assertThat(tool.name()).isEqualTo("get_weather");
    assertThat(tool.description()).isEqualTo("The forecast for a city");
    assertThat(tool.strict()).isTrue();
    assertThat(tool.parametersSchemaJson())
        .contains("\"city\"", "\"days\"", "\"additionalProperties\":false");
  }

  @Test
  void unsetSettingsStayUnset() {
    backend.enqueueContent("{\"ok\":true}");
    try (LlmClient llm = client()) {
      llm.generate(LlmRequest.builder().addMessage(Message.user("q")).build());
    }
    ChatCompletionRequest sent = backend.lastRequest();
    assertThat(sent.topP()).isNull();
    assertThat(sent.seed()).isNull();
    assertThat(sent.stop()).isEmpty();
    assertThat(sent.user()).isNull();
    assertThat(sent.logprobs()).isFalse();
    assertThat(sent.tools()).isEmpty();
    assertThat(sent.toolChoice()).isNull();
    assertThat(sent.parallelToolCalls()).isNull();
  }

  @Test
  void textPartsOfAnImageMessageAreCleanedAndTheImageIsKept() {
    backend.enqueueContent("{\"ok\":true}");
    ContentPart image = ContentPart.imageUrl(URI.create("https://example.com/cat.png"));
    try (LlmClient llm = client()) {
      llm.generate(
          LlmRequest.builder()
              .addMessage(Message.user(ContentPart.text("What\u0007 is\u200b this?"), image))
              .build());
    }
    Message sent = backend.lastRequest().messages().get(0);
    assertThat(sent.parts()).containsExactly(ContentPart.text("What is this?"), image);
  }
}
