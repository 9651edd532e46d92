package dev.llmclient.core;

/**
 * What the call log shows, the same as the setting {@code LLM_LOG}: set it with {@code
 * builder.callLog(CallLog.DEBUG)} or {@code LLM_LOG=debug}. Retries and re-asks are logged at INFO
 * whatever it says, so an operator can see why a call took long.
 */
public enum CallLog {
  /** Exchanges at DEBUG only, without bodies (the default). */
  OFF,
  /** Every HTTP exchange at INFO: method, URL, status, time and request id. */
  INFO,
  /**
   * As {@link #INFO}, plus each request and response body (one line, at most 8 KiB) with the API
   * key, tokens and configured secrets removed. Bodies hold prompts and answers: for debugging, not
   * for production logs.
   */
  DEBUG
}
