package dev.llmclient.openai;

import java.io.IOException;

/** The response's status line and headers took more bytes than the transport accepts. */
final class ResponseHeadersTooLargeException extends IOException {

  private static final long serialVersionUID = 1L;

  ResponseHeadersTooLargeException(long bytes, long limit) {
    super("response headers of " + bytes + " bytes, more than " + limit);
  }
}
