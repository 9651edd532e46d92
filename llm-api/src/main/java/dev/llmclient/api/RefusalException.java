package dev.llmclient.api;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The model declined to answer (the {@code refusal} field of a structured-output reply). Not
 * retryable and never re-asked: the same request would be refused again.
 */
public final class RefusalException extends LlmException {

  private static final long serialVersionUID = 1L;

  private final String refusal;

  /**
   * Creates the exception from the model's refusal text.
   *
   * @param refusal the refusal text; required
   */
  public RefusalException(String refusal) {
    this(refusal, ErrorContext.NONE, null);
  }

  /**
   * Creates the exception.
   *
   * @param refusal the refusal text; required
   * @param context provider, status and request id
   * @param cause the underlying failure, or null
   */
  public RefusalException(String refusal, ErrorContext context, @Nullable Throwable cause) {
    super(
        "The model refused to answer: " + Objects.requireNonNull(refusal, "refusal"),
        context,
        cause);
    this.refusal = refusal;
  }

  /**
   * The refusal text as the model wrote it.
   *
   * @return the text
   */
  public String refusal() {
    return refusal;
  }
}
