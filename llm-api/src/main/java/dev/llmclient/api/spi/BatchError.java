package dev.llmclient.api.spi;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One reason a batch was refused, as listed in the batch's {@code errors.data}.
 *
 * @param code the service's code, for example {@code token_limit_exceeded} or {@code
 *     invalid_json_line}
 * @param message the service's explanation
 * @param line the 1-based line of the input file it concerns, or null
 */
public record BatchError(String code, String message, @Nullable Integer line) {

  /** The code the services use when the enqueued-token quota is full. */
  public static final String TOKEN_LIMIT_EXCEEDED = "token_limit_exceeded";

  /**
   * Rejects null code and message.
   *
   * @param code the service's code
   * @param message the service's explanation
   * @param line the 1-based input line, or null
   */
  public BatchError {
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(message, "message");
  }
}
