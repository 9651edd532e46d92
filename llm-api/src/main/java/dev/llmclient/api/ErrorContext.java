package dev.llmclient.api;

import java.io.Serializable;
import org.jspecify.annotations.Nullable;

/**
 * Where a failure came from: the provider, the HTTP status and the server's request id.
 *
 * <p>Attached to every {@link LlmException}; quote the request id in a support ticket.
 *
 * @param provider the provider id ({@code "azure"}, {@code "openai"}, ...), or null when the
 *     failure happened before a provider was involved
 * @param httpStatus the HTTP status of the failed response, or null when there was none
 * @param requestId the server's {@code x-request-id} or {@code apim-request-id}, or null
 */
public record ErrorContext(
    @Nullable String provider, @Nullable Integer httpStatus, @Nullable String requestId)
    implements Serializable {

  /** No provider, no status, no request id. */
  public static final ErrorContext NONE = new ErrorContext(null, null, null);

  /**
   * A context that names only the provider.
   *
   * @param provider the provider id
   * @return the context
   */
  public static ErrorContext provider(String provider) {
    return new ErrorContext(provider, null, null);
  }

  String describe() {
    StringBuilder sb = new StringBuilder();
    if (provider != null) {
      sb.append("provider=").append(provider);
    }
    if (httpStatus != null) {
      sb.append(sb.length() > 0 ? ", " : "").append("status=").append(httpStatus);
    }
    if (requestId != null) {
      sb.append(sb.length() > 0 ? ", " : "").append("request-id=").append(requestId);
    }
    return sb.toString();
  }
}
