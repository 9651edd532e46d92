package dev.llmclient.testkit.simulator;

import java.util.Locale;
import java.util.Objects;

/**
 * One model deployment the simulator serves, with its limits. Immutable; change a copy with the
 * {@code with...} methods.
 *
 * <pre>{@code
 * Deployment gpt = Deployment.of("gpt-4o").withRequestsPerMinute(60).withTokensPerMinute(10_000);
 * }</pre>
 *
 * @param name the deployment name on Azure routes, and the model name on OpenAI routes
 * @param model the model name the responses report
 * @param requestsPerMinute the RPM quota, enforced per sub-window like Azure
 * @param tokensPerMinute the TPM quota, enforced per sub-window like Azure
 * @param contextWindow the most tokens prompt plus requested output may take; more is answered with
 *     400 {@code context_length_exceeded}
 * @param embeddingDimensions the vector size when a request names no {@code dimensions}, and the
 *     largest it may name
 * @param reasoning whether it behaves like a reasoning model: rejects {@code max_tokens} and a
 *     temperature other than 1, and reports reasoning tokens
 */
public record Deployment(
    String name,
    String model,
    int requestsPerMinute,
    int tokensPerMinute,
    int contextWindow,
    int embeddingDimensions,
    boolean reasoning) {

  /** The RPM of {@link #of(String)}: high enough never to bite unless a test lowers it. */
  public static final int DEFAULT_REQUESTS_PER_MINUTE = 1_000_000;

  /** The TPM of {@link #of(String)}. */
  public static final int DEFAULT_TOKENS_PER_MINUTE = 100_000_000;

  /** The context window of {@link #of(String)}, in tokens. */
  public static final int DEFAULT_CONTEXT_WINDOW = 128_000;

  /** The embedding size of {@link #of(String)}. */
  public static final int DEFAULT_EMBEDDING_DIMENSIONS = 1536;

  /**
   * Validates the values.
   *
   * @param name the deployment name on Azure routes, and the model name on OpenAI routes
   * @param model the model name the responses report
   * @param requestsPerMinute the RPM quota, enforced per sub-window like Azure
   * @param tokensPerMinute the TPM quota, enforced per sub-window like Azure
   * @param contextWindow the most tokens prompt plus requested output may take; more is answered
   *     with 400 {@code context_length_exceeded}
   * @param embeddingDimensions the vector size when a request names no {@code dimensions}, and the
   *     largest it may name
   * @param reasoning whether it behaves like a reasoning model: rejects {@code max_tokens} and a
   *     temperature other than 1, and reports reasoning tokens
   * @throws IllegalArgumentException if a name is blank or a limit is not positive
   */
  public Deployment {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(model, "model");
    if (name.isBlank() || model.isBlank()) {
      throw new IllegalArgumentException("deployment name and model must not be blank");
    }
    if (requestsPerMinute < 1 || tokensPerMinute < 1 || contextWindow < 1) {
      throw new IllegalArgumentException(
          "requestsPerMinute, tokensPerMinute and contextWindow must be >= 1 for deployment "
              + name);
    }
    if (embeddingDimensions < 1) {
      throw new IllegalArgumentException("embeddingDimensions must be >= 1 for deployment " + name);
    }
  }

  /**
   * A deployment whose model has the same name, with generous default limits.
   *
   * @param name the deployment (and model) name
   * @return the deployment
   */
  public static Deployment of(String name) {
    return new Deployment(
        name,
        name,
        DEFAULT_REQUESTS_PER_MINUTE,
        DEFAULT_TOKENS_PER_MINUTE,
        DEFAULT_CONTEXT_WINDOW,
        DEFAULT_EMBEDDING_DIMENSIONS,
        false);
  }

  /**
   * A copy that reports another model name.
   *
   * @param newModel the model name
   * @return the copy
   */
  public Deployment withModel(String newModel) {
    return new Deployment(
        name,
        newModel,
        requestsPerMinute,
        tokensPerMinute,
        contextWindow,
        embeddingDimensions,
        reasoning);
  }

  /**
   * A copy with another RPM quota.
   *
   * @param rpm requests per minute
   * @return the copy
   */
  public Deployment withRequestsPerMinute(int rpm) {
    return new Deployment(
        name, model, rpm, tokensPerMinute, contextWindow, embeddingDimensions, reasoning);
  }

  /**
   * A copy with another TPM quota.
   *
   * @param tpm tokens per minute
   * @return the copy
   */
  public Deployment withTokensPerMinute(int tpm) {
    return new Deployment(
        name, model, requestsPerMinute, tpm, contextWindow, embeddingDimensions, reasoning);
  }

  /**
   * A copy with another context window.
   *
   * @param tokens the largest prompt plus requested output, in tokens
   * @return the copy
   */
  public Deployment withContextWindow(int tokens) {
    return new Deployment(
        name, model, requestsPerMinute, tokensPerMinute, tokens, embeddingDimensions, reasoning);
  }

  /**
   * A copy with another default (and largest) embedding size.
   *
   * @param dimensions the vector size
   * @return the copy
   */
  public Deployment withEmbeddingDimensions(int dimensions) {
    return new Deployment(
        name, model, requestsPerMinute, tokensPerMinute, contextWindow, dimensions, reasoning);
  }

  /**
   * A copy that behaves like a reasoning model (o-series, gpt-5).
   *
   * @param isReasoning true for reasoning-model rules
   * @return the copy
   */
  public Deployment withReasoning(boolean isReasoning) {
    return new Deployment(
        name,
        model,
        requestsPerMinute,
        tokensPerMinute,
        contextWindow,
        embeddingDimensions,
        isReasoning);
  }

  /**
   * Whether embedding requests may send {@code dimensions}: true except for {@code
   * text-embedding-ada-002} (any model whose name starts with {@code text-embedding-ada}), which
   * the services answer with a 400 "This model does not support specifying dimensions." even when
   * the value equals its size. {@code text-embedding-3-*} and other models accept it.
   *
   * @return whether {@code dimensions} is accepted
   */
  public boolean acceptsDimensions() {
    return !model.toLowerCase(Locale.ROOT).startsWith("text-embedding-ada");
  }
}
