package dev.llmclient.it.faults;

import dev.llmclient.api.LlmClient;
import dev.llmclient.api.LlmException;
import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.core.LlmClients;
import dev.llmclient.core.RetryPolicy;
import dev.llmclient.it.secrets.Canary;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Real {@link LlmClient}s on the real providers, pointed at a loopback server, with the canary key:
 * what every end-to-end test builds.
 */
public final class TestClients {

  /** Which provider a client talks through. */
  public enum Api {
    /** provider-openai, {@code OPENAI_BASE_URL}. */
    OPENAI,
    /** provider-azure on the deployment route, {@code api-key}. */
    AZURE
  }

  /** The structured answer the tests ask for: nested, with a list and an enum. */
  public record City(String name, int population, List<String> districts, Size size) {}

  /** How big a city is. */
  public enum Size {
    /** Under a million. */
    SMALL,
    /** A million or more. */
    LARGE
  }

  /** The model / deployment every simulator test uses. */
  public static final String MODEL = "gpt-4o";

  /** A policy that retries like the default but waits milliseconds, for fast failure tests. */
  public static RetryPolicy fastRetries() {
    return RetryPolicy.builder()
        .maxRetries(2)
        .initialBackoff(Duration.ofMillis(10))
        .maxBackoff(Duration.ofMillis(40))
        .jitter(0)
        .maxRetryAfter(Duration.ofSeconds(3))
        .deadline(Duration.ofSeconds(20))
        .maxReasks(2)
        .build();
  }

  private TestClients() {}

  /**
   * The provider settings for a client of {@code api} at {@code root} (the server root; the OpenAI
   * base URL gets {@code /v1}).
   */
  public static Map<String, String> settings(Api api, URI root, String model, String apiKey) {
    Map<String, String> s = new LinkedHashMap<>();
    switch (api) {
      case OPENAI -> {
        s.put("OPENAI_API_KEY", apiKey);
        s.put("OPENAI_BASE_URL", root.resolve("/v1").toString());
        s.put("MODEL_NAME", model);
      }
      case AZURE -> {
        s.put("AZURE_OPENAI_ENDPOINT", root.toString());
        s.put("AZURE_OPENAI_API_KEY", apiKey);
        s.put("AZURE_OPENAI_DEPLOYMENT_NAME", model);
      }
    }
    return s;
  }

  /** A client of {@code api} at {@code root} with the canary key and these extra settings. */
  public static LlmClient client(
      Api api, URI root, RetryPolicy policy, Map<String, String> extraSettings) {
    Map<String, String> s = settings(api, root, MODEL, Canary.API_KEY);
    s.putAll(extraSettings);
    return LlmClients.builder()
        .provider(api == Api.OPENAI ? "openai" : "azure")
        .settings(ProviderSettings.of(s))
        .retryPolicy(policy)
        .build();
  }

  /** The cause an async failure carries, unwrapped from the future's wrappers. */
  public static Throwable unwrap(Throwable t) {
    Throwable e = t;
    while ((e instanceof ExecutionException || e instanceof CompletionException)
        && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }

  /** Whether {@code t} is one of the SDK's typed failures. */
  public static boolean isTyped(Throwable t) {
    return t instanceof LlmException;
  }
}
