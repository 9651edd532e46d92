package dev.llmclient.core.pool;

import dev.llmclient.api.ErrorContext;
import java.time.Instant;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * No member of a {@link DeploymentPool} may be called: every circuit breaker is open. Not
 * retryable: the pool fails fast instead of sending requests to deployments that are down, and
 * {@link #openUntil()} tells when each breaker lets a probe through again.
 *
 * <pre>{@code
 * } catch (DeploymentUnavailableException e) {
 *   Instant next = Collections.min(e.openUntil().values());
 *   requeueAt(next);
 * }
 * }</pre>
 */
public final class DeploymentUnavailableException extends dev.llmclient.api.LlmException {

  private static final long serialVersionUID = 1L;

  private final transient Map<String, Instant> openUntil;

  /**
   * Creates the exception.
   *
   * @param message what went wrong and what to do
   * @param openUntil each open member's name and when its breaker lets a probe through
   * @param cause the last failure that opened a breaker, or null
   */
  public DeploymentUnavailableException(
      String message, Map<String, Instant> openUntil, @Nullable Throwable cause) {
    super(message, ErrorContext.provider(DeploymentPool.PROVIDER_ID), cause);
    this.openUntil = Map.copyOf(openUntil);
  }

  /**
   * Each member whose breaker is open, and when it will let a probe call through.
   *
   * @return an unmodifiable map from member name to instant
   */
  public Map<String, Instant> openUntil() {
    return openUntil;
  }

  /**
   * {@inheritDoc}
   *
   * @return false: the pool has already decided that no member can take the call now
   */
  @Override
  public boolean isRetryable() {
    return false;
  }
}
