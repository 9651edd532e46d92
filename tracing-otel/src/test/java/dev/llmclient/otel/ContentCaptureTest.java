package dev.llmclient.otel;

import static io.opentelemetry.api.common.AttributeKey.stringKey;
import static org.assertj.core.api.Assertions.assertThat;

import dev.llmclient.api.Message;
import dev.llmclient.api.spi.Span;
import dev.llmclient.api.spi.SpanKind;
import dev.llmclient.api.spi.SpanStatus;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Prompts and completions: dropped unread by default, written per the JSON schemas on opt-in. */
class ContentCaptureTest {

  private final OtelTestHarness otel = OtelTestHarness.create();

  @AfterEach
  void tearDown() {
    otel.close();
  }

  @Test
  void byDefaultMessagesAreDroppedWithoutBeingRead() {
    OtelTracing tracer = OtelTracing.create(otel.openTelemetry());
    Object unreadable =
        new Object() {
          @Override
          public String toString() {
            throw new AssertionError("content was read although capture is off");
          }
        };
    Span attempt =
        tracer
            .startSpan("llmclient.llm.generate", SpanKind.INTERNAL)
            .startChild("chat gpt-4o", SpanKind.CLIENT);
    attempt.setAttribute(OtelTracing.INPUT_MESSAGES, List.of(Message.user("my secret prompt")));
    attempt.setAttribute(OtelTracing.OUTPUT_MESSAGES, unreadable);
    attempt.addEvent(
        "llmclient.reask", Map.of(OtelTracing.OUTPUT_MESSAGES, unreadable, "attempt", 2));
    attempt.end();

    SpanData span = otel.span("chat gpt-4o");
    assertThat(tracer.capturesMessageContent()).isFalse();
    assertThat(span.getAttributes().get(stringKey(OtelTracing.INPUT_MESSAGES))).isNull();
    assertThat(span.getAttributes().get(stringKey(OtelTracing.OUTPUT_MESSAGES))).isNull();
    assertThat(span.getEvents().get(0).getAttributes().asMap()).hasSize(1).containsValue(2L);
  }

  @Test
  void whenEnabledInputAndOutputFollowTheGenAiMessageSchemas() {
    OtelTracing tracer =
        OtelTracing.builder(otel.openTelemetry()).captureMessageContent(true).build();
    Span attempt =
        tracer
            .startSpan("llmclient.llm.generate", SpanKind.INTERNAL)
            .startChild("chat gpt-4o", SpanKind.CLIENT);
    attempt.setAttribute(
        OtelTracing.INPUT_MESSAGES,
        List.of(
            Message.system("You extract entities."),
            Message.user("Alice met \"Bob\"\n\tin Paris \\ \u0001")));
    attempt.setAttribute(OtelTracing.OUTPUT_MESSAGES, "{\"name\":\"Alice\"}");
    attempt.setAttribute("gen_ai.response.finish_reasons", List.of("stop"));
    attempt.end();

    SpanData span = otel.span("chat gpt-4o");
    assertThat(span.getAttributes().get(stringKey(OtelTracing.INPUT_MESSAGES)))
        .isEqualTo(
            "[{\"role\":\"system\",\"parts\":[{\"type\":\"text\",\"content\":\"You extract"
                + " entities.\"}]},{\"role\":\"user\",\"parts\":[{\"type\":\"text\","
                + "\"content\":\"Alice met \\\"Bob\\\"\\n\\tin Paris \\\\ \\u0001\"}]}]");
    assertThat(span.getAttributes().get(stringKey(OtelTracing.OUTPUT_MESSAGES)))
        .isEqualTo(
            "[{\"role\":\"assistant\",\"parts\":[{\"type\":\"text\",\"content\":"
                + "\"{\\\"name\\\":\\\"Alice\\\"}\"}],\"finish_reason\":\"stop\"}]");
  }

  @Test
  void longTextIsCutAtTheLimitKeepingTheJsonAndSurrogatePairsWhole() {
    OtelTracing tracer =
        OtelTracing.builder(otel.openTelemetry())
            .captureMessageContent(true)
            .maxContentLength(3)
            .build();
    Span attempt = tracer.startSpan("llmclient.llm.generate", SpanKind.INTERNAL);
    attempt.setAttribute(OtelTracing.INPUT_MESSAGES, Message.user("ab\uD83D\uDE00cd"));
    attempt.setAttribute(OtelTracing.OUTPUT_MESSAGES, List.of("abc", "abcd"));
    attempt.setAttribute("gen_ai.response.finish_reasons", List.of("stop", "length"));
    attempt.end();

    SpanData span = otel.span("llmclient.llm.generate");
    assertThat(span.getAttributes().get(stringKey(OtelTracing.INPUT_MESSAGES)))
        .isEqualTo(
            "[{\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"content\":\"ab…[truncated]\"}]}]");
    assertThat(span.getAttributes().get(stringKey(OtelTracing.OUTPUT_MESSAGES)))
        .isEqualTo(
            "[{\"role\":\"assistant\",\"parts\":[{\"type\":\"text\",\"content\":\"abc\"}],"
                + "\"finish_reason\":\"stop\"},"
                + "{\"role\":\"assistant\",\"parts\":[{\"type\":\"text\","
                + "\"content\":\"abc…[truncated]\"}],\"finish_reason\":\"length\"}]");
  }

  @Test
  void anOutputWithoutFinishReasonOnAFailedAttemptIsMarkedError() {
    OtelTracing tracer =
        OtelTracing.builder(otel.openTelemetry()).captureMessageContent(true).build();
    Span attempt = tracer.startSpan("llmclient.llm.generate", SpanKind.INTERNAL);
    attempt.setAttribute(OtelTracing.OUTPUT_MESSAGES, Message.assistant("not json"));
    attempt.setStatus(SpanStatus.ERROR, "output is not valid JSON");
    attempt.end();

    assertThat(
            otel.span("llmclient.llm.generate")
                .getAttributes()
                .get(stringKey(OtelTracing.OUTPUT_MESSAGES)))
        .endsWith("\"finish_reason\":\"error\"}]");
  }

  @Test
  void theMessagesAreTheOnesSentEvenIfTheCallerChangesItsListAfterwards() {
    OtelTracing tracer =
        OtelTracing.builder(otel.openTelemetry()).captureMessageContent(true).build();
    List<Message> conversation = new ArrayList<>(List.of(Message.user("first")));
    Span attempt = tracer.startSpan("llmclient.llm.generate", SpanKind.INTERNAL);
    attempt.setAttribute(OtelTracing.INPUT_MESSAGES, conversation);
    conversation.add(Message.user("re-ask: fix the JSON"));
    attempt.end();

    assertThat(
            otel.span("llmclient.llm.generate")
                .getAttributes()
                .get(stringKey(OtelTracing.INPUT_MESSAGES)))
        .contains("first")
        .doesNotContain("re-ask");
  }

  @Test
  void valuesOfOtherTypesAreNotRecordedAsContent() {
    OtelTracing tracer =
        OtelTracing.builder(otel.openTelemetry()).captureMessageContent(true).build();
    Span attempt = tracer.startSpan("llmclient.llm.generate", SpanKind.INTERNAL);
    attempt.setAttribute(OtelTracing.INPUT_MESSAGES, 42);
    attempt.end();

    assertThat(otel.span("llmclient.llm.generate").getAttributes().isEmpty()).isTrue();
  }
}
