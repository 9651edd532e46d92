package dev.llmclient.openai;

import java.io.IOException;

/** Thrown by the response consumer when a body passes the configured size limit. */
final class ResponseTooLargeException extends IOException {

  private static final long serialVersionUID = 1L;

  ResponseTooLargeException(long limit) {
    super("response body larger than " + limit + " bytes");
  }
}
