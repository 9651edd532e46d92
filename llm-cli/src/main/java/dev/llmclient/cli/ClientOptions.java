package dev.llmclient.cli;

import dev.llmclient.api.LlmRequest;
import dev.llmclient.api.ModelSize;
import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.core.StoreProvider;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/** The options every command that calls a model shares: provider, model and generation. */
final class ClientOptions {

  @Option(
      names = "--provider",
      paramLabel = "ID",
      description =
          "Provider id (azure, openai, ...). Default: LLM_PROVIDER, else the one provider whose"
              + " settings are complete, else the embedded simulator.")
  @Nullable String provider;

  @Option(
      names = "--model",
      paramLabel = "NAME",
      description = "Model (or Azure deployment) for this run; default MODEL_NAME.")
  @Nullable String model;

  @Option(
      names = "--small",
      description = "Use the small model (SMALL_MODEL_NAME / AZURE_OPENAI_SMALL_DEPLOYMENT_NAME).")
  boolean small;

  @Option(
      names = "--max-tokens",
      paramLabel = "N",
      description = "Output-token cap per call; default LLM_MAX_TOKENS, else 16384.")
  @Nullable Integer maxTokens;

  @Option(
      names = "--temperature",
      paramLabel = "T",
      description = "Sampling temperature 0.0-2.0 (ignored by reasoning models).")
  @Nullable Double temperature;

  @Option(
      names = "--cache",
      paramLabel = "DIR",
      description =
          "Keep answers in this directory (created if missing) and answer a repeated request from"
              + " it, across runs and processes; default LLM_CACHE_DIR, else no cache.")
  @Nullable Path cache;

  @Option(
      names = "--simulator-latency-ms",
      paramLabel = "MS",
      defaultValue = "0",
      description =
          "Embedded simulator only: delay of every reply, to see progress and try Ctrl-C.")
  long simulatorLatencyMs;

  /** The settings with {@code --cache} put in as {@value StoreProvider#CACHE_DIR}. */
  ProviderSettings settings(ProviderSettings settings) {
    Path dir = cache;
    return dir == null
        ? settings
        : settings.with(StoreProvider.CACHE_DIR, dir.toAbsolutePath().toString());
  }

  /** Applies the per-call options to a request. */
  <T> LlmRequest.Builder<T> apply(LlmRequest.Builder<T> request) {
    return request
        .modelSize(small ? ModelSize.SMALL : ModelSize.MEDIUM)
        .maxTokens(maxTokens)
        .temperature(temperature);
  }
}
