package dev.llmclient.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmclient.api.ErrorContext;
import dev.llmclient.api.LlmClient;
import dev.llmclient.api.LlmConfigurationException;
import dev.llmclient.api.LlmRequest;
import dev.llmclient.api.LlmResponse;
import dev.llmclient.api.Message;
import dev.llmclient.api.ModelSize;
import dev.llmclient.api.RateLimitException;
import dev.llmclient.api.Usage;
import dev.llmclient.api.spi.BackendInfo;
import dev.llmclient.api.spi.ChatCompletion;
import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.api.spi.RateLimitInfo;
import dev.llmclient.api.spi.SpanKind;
import dev.llmclient.api.spi.SpanStatus;
import dev.llmclient.api.spi.Tracer;
import dev.llmclient.testkit.ScriptedChatBackend;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TracingTest {

  record Person(String name, int birthYear) {}

  static final BackendInfo AZURE =
      new BackendInfo(
          "azure",
          "azure.ai.openai",
          URI.create("https://res.openai.azure.com"),
          "prod-chat",
          "prod-mini");

  private final ScriptedChatBackend backend = new ScriptedChatBackend().info(AZURE);
  private final RecordingTracer tracer = new RecordingTracer();

  private LlmClients.Builder builder(Tracer t) {
    return LlmClients.builder().backend(backend).settings(ProviderSettings.empty()).tracer(t);
  }

  private static ChatCompletion ok(String content) {
    return new ChatCompletion(
        content,
        null,
        "stop",
        Usage.of(30, 7),
        "gpt-4o-2024-08-06",
        "chatcmpl-9",
        "req-9",
        RateLimitInfo.NONE);
  }

  @Test
  void theGenerateSpanStartsOnTheCallersThreadWithGraphitisAttributes() {
    backend.enqueue(ok("{\"name\":\"Ada\",\"birthYear\":1815}"));

    builder(tracer)
        .build()
        .generate(
            LlmRequest.builder()
                .addMessage(Message.user("q"))
                .responseType(Person.class)
                .modelSize(ModelSize.SMALL)
                .maxTokens(256)
                .promptName("extract.person")
                .build());

    RecordingTracer.RecordedSpan span = tracer.only();
    assertThat(span.name).isEqualTo("llmclient.llm.generate");
    assertThat(span.kind).isEqualTo(SpanKind.INTERNAL);
    assertThat(span.threadName).isEqualTo(Thread.currentThread().getName());
    assertThat(span.attributes)
        .containsEntry("llm.provider", "azure")
        .containsEntry("model.size", "small")
        .containsEntry("max_tokens", 256L)
        .containsEntry("cache.enabled", false)
        .containsEntry("cache.hit", false)
        .containsEntry("prompt.name", "extract.person")
        .containsEntry("llmclient.attempts", 1L)
        .containsEntry("llmclient.reasks", 0L)
        .containsEntry("llmclient.usage.input_tokens", 30L)
        .containsEntry("llmclient.usage.output_tokens", 7L);
    assertThat(span.status).isEqualTo(SpanStatus.OK);
    assertThat(span.ends).isEqualTo(1);
  }

  @Test
  void promptNameIsOnlySetWhenGiven() {
    backend.enqueue(ok("{}"));

    builder(tracer).build().generateResponse(List.of(Message.user("q")));

    assertThat(tracer.only().attributes).doesNotContainKey("prompt.name");
  }

  @Test
  void eachAttemptIsAClientChildWithGenAiAttributesAndSendsItsTraceContext() {
    backend.enqueue(ok("{}"));

    builder(tracer)
        .config(LlmConfig.builder().temperature(0.3).build())
        .build()
        .generateResponse(List.of(Message.user("q")));

    RecordingTracer.RecordedSpan attempt = tracer.only().children.get(0);
    assertThat(attempt.name).isEqualTo("chat prod-chat");
    assertThat(attempt.kind).isEqualTo(SpanKind.CLIENT);
    assertThat(attempt.attributes)
        .containsEntry("gen_ai.operation.name", "chat")
        .containsEntry("gen_ai.provider.name", "azure.ai.openai")
        .containsEntry("gen_ai.request.model", "prod-chat")
        .containsEntry("gen_ai.request.max_tokens", 16384L)
        .containsEntry("gen_ai.request.temperature", 0.3)
        .containsEntry("gen_ai.response.model", "gpt-4o-2024-08-06")
        .containsEntry("gen_ai.response.id", "chatcmpl-9")
        .containsEntry("gen_ai.response.finish_reasons", List.of("stop"))
        .containsEntry("gen_ai.usage.input_tokens", 30L)
        .containsEntry("gen_ai.usage.output_tokens", 7L)
        .containsEntry("server.address", "res.openai.azure.com")
        .containsEntry("server.port", 443L);
    assertThat(attempt.ends).isEqualTo(1);
    assertThat(backend.lastRequest().headers()).containsKey("traceparent");
  }

  @Test
  void aFailureIsRecordedAsItselfAndRethrownUnchanged() {
    RateLimitException limit =
        new RateLimitException(
            "429", new ErrorContext("azure", 429, "r"), Duration.ofMinutes(5), null);
    backend.enqueueFailure(limit);

    assertThatThrownBy(() -> builder(tracer).build().generateResponse(List.of(Message.user("q"))))
        .isSameAs(limit);

    RecordingTracer.RecordedSpan span = tracer.only();
    assertThat(span.exceptions).containsExactly(limit);
    assertThat(span.status).isEqualTo(SpanStatus.ERROR);
    assertThat(span.statusDescription).isEqualTo(limit.getMessage());
    assertThat(span.ends).isEqualTo(1);
  }

  @Test
  void a429ThroughATracerSurfacesAsRateLimitException() {
    backend.enqueueFailure(new RateLimitException("429 after retries"));

    assertThatThrownBy(
            () ->
                builder(tracer)
                    .retryPolicy(RetryPolicy.none())
                    .build()
                    .generateResponse(List.of(Message.user("q"))))
        .isExactlyInstanceOf(RateLimitException.class);
  }

  @Test
  void aTracerThatThrowsEverywhereChangesNothing() {
    backend.enqueue(ok("{\"name\":\"Ada\",\"birthYear\":1815}"));
    RateLimitException limit = new RateLimitException("429");
    backend.enqueueFailure(limit);
    LlmClient client =
        builder(RecordingTracer.throwingEverywhere()).retryPolicy(RetryPolicy.none()).build();

    LlmResponse<Person> r =
        client.generate(
            LlmRequest.builder().addMessage(Message.user("q")).responseType(Person.class).build());
    assertThat(r.value()).isEqualTo(new Person("Ada", 1815));
    assertThatThrownBy(() -> client.generateResponse(List.of(Message.user("q")))).isSameAs(limit);
  }

  @Test
  void aTracerThatCannotStartASpanChangesNothing() {
    backend.enqueue(ok("{\"a\":1}"));

    assertThat(
            builder(RecordingTracer.throwingOnStart())
                .build()
                .generateResponse(List.of(Message.user("q"))))
        .containsEntry("a", 1);
    assertThat(backend.lastRequest().headers()).isEmpty();
  }

  @Test
  void theSpanPrefixDropsTrailingDots() {
    backend.enqueue(ok("{}"));

    builder(tracer).spanPrefix("myapp.").build().generateResponse(List.of(Message.user("q")));

    assertThat(tracer.only().name).isEqualTo("myapp.llm.generate");
    assertThatThrownBy(() -> LlmClients.builder().spanPrefix(" . "))
        .hasMessageContaining("spanPrefix must contain a name");
  }

  @Test
  void aPrefixConfiguredOnTheTracerNamesTheClientsSpans() {
    backend.enqueue(ok("{}"));
    Tracer prefixed = prefixed(tracer, "myapp");

    builder(prefixed).build().generateResponse(List.of(Message.user("q")));

    assertThat(tracer.only().name).isEqualTo("myapp.llm.generate");
  }

  @Test
  void theSamePrefixOnClientAndTracerIsFineButTwoDifferentOnesFailTheBuild() {
    backend.enqueue(ok("{}"));
    builder(prefixed(tracer, "myapp."))
        .spanPrefix("myapp")
        .build()
        .generateResponse(List.of(Message.user("q")));
    assertThat(tracer.only().name).isEqualTo("myapp.llm.generate");

    assertThatThrownBy(() -> builder(prefixed(tracer, "myapp")).spanPrefix("graphiti").build())
        .isInstanceOf(LlmConfigurationException.class)
        .hasMessageContaining("The span prefix is set twice, to different values")
        .hasMessageContaining("graphiti by the client builder's spanPrefix(...)")
        .hasMessageContaining("myapp by the tracer's spanPrefix")
        .hasMessageContaining("Set it in one place only");
  }

  /** The recording tracer, configured with a span prefix of its own. */
  private static Tracer prefixed(RecordingTracer inner, String prefix) {
    return new Tracer() {
      @Override
      public dev.llmclient.api.spi.Span startSpan(
          String name, dev.llmclient.api.spi.SpanKind kind) {
        return inner.startSpan(name, kind);
      }

      @Override
      public java.util.Optional<String> spanPrefix() {
        return java.util.Optional.of(prefix);
      }
    };
  }

  @Test
  void aReAskIsAnEventOnTheOuterSpan() {
    backend.enqueue(ok("oops")).enqueue(ok("{}"));

    builder(tracer).build().generateResponse(List.of(Message.user("q")));

    RecordingTracer.RecordedSpan span = tracer.only();
    assertThat(span.events).containsExactly("llmclient.reask");
    assertThat(span.eventAttributes.get(0))
        .isEqualTo(
            Map.of("llmclient.attempt", 1L, "llmclient.reask", 1L, "error.type", "InvalidJson"));
    assertThat(span.attributes).containsEntry("llmclient.reasks", 1L);
    assertThat(span.children).hasSize(2);
  }
}
