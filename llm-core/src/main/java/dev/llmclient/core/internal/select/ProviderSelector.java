package dev.llmclient.core.internal.select;

import dev.llmclient.api.LlmConfigurationException;
import dev.llmclient.api.spi.LlmProvider;
import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.core.ProviderStatus;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * Deterministic provider selection (README "Provider selection"). The messages are a contract:
 * integration tests assert them exactly.
 */
public final class ProviderSelector {

  static final String FROM_BUILDER = "LlmClients.builder().provider(...)";
  static final String FROM_PROPERTY = "-Dllm.provider";
  static final String FROM_SETTING = "LLM_PROVIDER";
  static final String PROPERTY = "llm.provider";

  /** The explicit id and where it came from, or null id when none was given. */
  public record Explicit(@Nullable String id, String source) {
    public static Explicit resolve(@Nullable String builderId, ProviderSettings settings) {
      if (builderId != null && !builderId.isBlank()) {
        return new Explicit(builderId.trim(), FROM_BUILDER);
      }
      String property = System.getProperty(PROPERTY);
      if (property != null && !property.isBlank()) {
        return new Explicit(property.trim(), FROM_PROPERTY);
      }
      String setting = settings.get(FROM_SETTING);
      return new Explicit(setting, FROM_SETTING);
    }
  }

  /** The chosen provider, instantiated, with the settings it is to be built from. */
  public record Selection(String id, LlmProvider provider, ProviderSettings settings) {}

  private record Found(String id, ProviderCandidate candidate, @Nullable LlmProvider instance) {}

  private final List<Found> found;
  private final Function<LlmProvider, ProviderSettings> settingsFor;

  private ProviderSelector(List<Found> found, Function<LlmProvider, ProviderSettings> settingsFor) {
    this.found = found;
    this.settingsFor = settingsFor;
  }

  /**
   * Reads every candidate's id (instantiating only those without {@code @ProviderId}) and rejects
   * duplicate ids.
   *
   * @param settingsFor the settings a provider is asked with; may throw {@link
   *     LlmConfigurationException} when they cannot be made for that provider
   */
  public static ProviderSelector of(
      List<ProviderCandidate> candidates, Function<LlmProvider, ProviderSettings> settingsFor) {
    List<Found> found = new ArrayList<>();
    for (ProviderCandidate c : candidates) {
      String id = c.declaredId();
      LlmProvider instance = null;
      if (id == null) {
        instance = c.instantiate();
        id = Objects.requireNonNull(instance.id(), () -> c.className() + ".id() returned null");
      }
      found.add(new Found(id, c, instance));
    }
    found.sort(Comparator.comparing(Found::id).thenComparing(f -> f.candidate().className()));
    Map<String, List<String>> classesById = new TreeMap<>();
    for (Found f : found) {
      classesById.computeIfAbsent(f.id(), k -> new ArrayList<>()).add(f.candidate().className());
    }
    for (Map.Entry<String, List<String>> e : classesById.entrySet()) {
      if (e.getValue().size() > 1) {
        List<String> names = e.getValue().stream().sorted().toList();
        throw new LlmConfigurationException(
            "Two LLM providers on the classpath have the id '"
                + e.getKey()
                + "': "
                + joinWithAnd(names)
                + ". Remove one of the jars. [llmclient: duplicate-provider]");
      }
    }
    return new ProviderSelector(found, settingsFor);
  }

  /** Picks the provider; instantiates only what the rule needs. */
  public Selection select(Explicit explicit) {
    if (explicit.id() != null) {
      Found f = byId(explicit.id());
      if (f == null) {
        throw unknown(explicit);
      }
      LlmProvider provider = instance(f);
      ProviderSettings settings = settingsFor.apply(provider);
      List<String> missing = provider.missingSettings(settings);
      if (!missing.isEmpty()) {
        throw new LlmConfigurationException(
            "LLM provider '"
                + f.id()
                + "' (from "
                + explicit.source()
                + ") is not configured. Missing: "
                + String.join("; ", missing)
                + ". [llmclient: not-configured]");
      }
      return new Selection(f.id(), provider, settings);
    }
    if (found.isEmpty()) {
      throw new LlmConfigurationException(
          "No LLM provider found on the classpath. Add one provider artifact:"
              + " dev.llmclient:provider-azure (Azure OpenAI) or dev.llmclient:provider-openai"
              + " (OpenAI and compatible servers). [llmclient: no-provider]");
    }
    List<Selection> configured = new ArrayList<>();
    List<String> unconfigured = new ArrayList<>();
    for (Found f : found) {
      LlmProvider provider = instance(f);
      ProviderSettings settings;
      try {
        settings = settingsFor.apply(provider);
      } catch (LlmConfigurationException e) {
        unconfigured.add(f.id() + " (" + e.getMessage() + ")");
        continue;
      }
      List<String> missing = provider.missingSettings(settings);
      if (missing.isEmpty()) {
        configured.add(new Selection(f.id(), provider, settings));
      } else {
        unconfigured.add(f.id() + " (missing: " + String.join("; ", missing) + ")");
      }
    }
    if (configured.size() == 1) {
      return configured.get(0);
    }
    if (configured.isEmpty()) {
      throw new LlmConfigurationException(
          "No LLM provider is configured. Found: "
              + String.join(", ", unconfigured)
              + ". Set the missing settings of the provider you want, or select one with"
              + " LLM_PROVIDER, -Dllm.provider or LlmClients.builder().provider(id)."
              + " [llmclient: none-configured]");
    }
    throw new LlmConfigurationException(
        "Several LLM providers are configured: "
            + configured.stream().map(Selection::id).collect(Collectors.joining(", "))
            + ". Select one with LLM_PROVIDER=<id>, -Dllm.provider=<id> or"
            + " LlmClients.builder().provider(id). [llmclient: several-configured]");
  }

  /**
   * The provider of that id, instantiated, without checking its settings: for pool members, whose
   * settings are made per member.
   *
   * @param id the provider id
   * @param source where the id comes from, for the message
   * @throws LlmConfigurationException when no provider has that id
   */
  public LlmProvider provider(String id, String source) {
    Found f = byId(id);
    if (f == null) {
      throw unknown(new Explicit(id, source));
    }
    return instance(f);
  }

  /**
   * What {@link #describe} found: each provider's state, the id that would be selected, or why none
   * would be.
   */
  public record Description(
      List<ProviderStatus> statuses,
      @Nullable String selectedId,
      @Nullable LlmConfigurationException problem) {}

  /** Instantiates every provider and describes its state and the selection outcome. */
  public Description describe(Explicit explicit) {
    String selectedId = null;
    LlmConfigurationException problem = null;
    try {
      selectedId = select(explicit).id();
    } catch (LlmConfigurationException e) {
      problem = e;
    }
    List<ProviderStatus> statuses = new ArrayList<>();
    for (Found f : found) {
      LlmProvider provider = instance(f);
      List<String> missing;
      try {
        missing = provider.missingSettings(settingsFor.apply(provider));
      } catch (LlmConfigurationException e) {
        missing = List.of(e.getMessage());
      }
      statuses.add(
          new ProviderStatus(
              f.id(),
              f.candidate().className(),
              missing.isEmpty(),
              missing,
              f.id().equals(selectedId)));
    }
    return new Description(statuses, selectedId, problem);
  }

  private @Nullable Found byId(String id) {
    for (Found f : found) {
      if (f.id().equals(id)) {
        return f;
      }
    }
    return null;
  }

  private final Map<String, LlmProvider> instances = new TreeMap<>();

  private LlmProvider instance(Found f) {
    if (f.instance() != null) {
      return f.instance();
    }
    return instances.computeIfAbsent(f.id(), k -> f.candidate().instantiate());
  }

  private LlmConfigurationException unknown(Explicit explicit) {
    String ids =
        found.isEmpty()
            ? "none"
            : found.stream().map(Found::id).distinct().collect(Collectors.joining(", "));
    return new LlmConfigurationException(
        "LLM provider '"
            + explicit.id()
            + "' (from "
            + explicit.source()
            + ") is not on the classpath. Found: "
            + ids
            + ". Fix the id or add the provider's artifact. [llmclient: unknown-provider]");
  }

  private static String joinWithAnd(List<String> names) {
    if (names.size() <= 2) {
      return String.join(" and ", names);
    }
    return String.join(", ", names.subList(0, names.size() - 1))
        + " and "
        + names.get(names.size() - 1);
  }
}
