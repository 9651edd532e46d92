package dev.llmclient.spring;

import dev.llmclient.spring.LlmClientProperties.Tracing;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/** Matches when {@code llmclient.tracing} is unset, {@code auto}, or the given backend. */
abstract class TracingCondition extends SpringBootCondition {

  private final Tracing backend;

  TracingCondition(Tracing backend) {
    this.backend = backend;
  }

  @Override
  public ConditionOutcome getMatchOutcome(
      ConditionContext context, AnnotatedTypeMetadata metadata) {
    Tracing chosen =
        Binder.get(context.getEnvironment())
            .bind(LlmClientProperties.PREFIX + ".tracing", Tracing.class)
            .orElse(Tracing.AUTO);
    String message = "llmclient.tracing=" + chosen.name().toLowerCase(java.util.Locale.ROOT);
    return chosen == Tracing.AUTO || chosen == backend
        ? ConditionOutcome.match(message)
        : ConditionOutcome.noMatch(message);
  }

  /** Micrometer is allowed. */
  static final class Micrometer extends TracingCondition {
    Micrometer() {
      super(Tracing.MICROMETER);
    }
  }

  /** OpenTelemetry is allowed. */
  static final class OpenTelemetry extends TracingCondition {
    OpenTelemetry() {
      super(Tracing.OPENTELEMETRY);
    }
  }
}
