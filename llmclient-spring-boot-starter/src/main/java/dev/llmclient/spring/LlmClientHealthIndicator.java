package dev.llmclient.spring;

import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.core.LlmClients;
import dev.llmclient.core.ProviderReport;
import dev.llmclient.core.ProviderStatus;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

/**
 * Reports what {@code llm providers} reports, without a network call: every provider on the
 * classpath, whether its settings are complete and what it still needs, and which one the clients
 * use. UP when a provider is selected; DOWN, with the reason and what to set, when none can be.
 * Never shows a setting's value. Shown under {@code /actuator/health/llmclient}.
 */
public final class LlmClientHealthIndicator implements HealthIndicator {

  private final ProviderSettings settings;

  /**
   * Reports on provider selection with these settings.
   *
   * @param settings the settings the clients are built from
   */
  public LlmClientHealthIndicator(ProviderSettings settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
  }

  @Override
  public Health health() {
    ProviderReport report;
    try {
      report = LlmClients.describeProviders(settings);
    } catch (RuntimeException e) {
      return Health.down().withDetail("problem", String.valueOf(e.getMessage())).build();
    }
    List<Map<String, Object>> providers =
        report.providers().stream().map(LlmClientHealthIndicator::describe).toList();
    Health.Builder health = report.selectedId().isPresent() ? Health.up() : Health.down();
    health.withDetail("providers", providers);
    report.selectedId().ifPresent(id -> health.withDetail("selected", id));
    report.problem().ifPresent(p -> health.withDetail("problem", String.valueOf(p.getMessage())));
    return health.build();
  }

  private static Map<String, Object> describe(ProviderStatus status) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("id", status.id());
    out.put("configured", status.configured());
    out.put("missingSettings", status.missingSettings());
    out.put("selected", status.selected());
    return out;
  }
}
