package dev.llmclient.api.spi;

import java.util.Locale;

/**
 * Where a server-side batch is in its life, as the OpenAI and Azure Batch APIs report it.
 *
 * <p>A batch moves {@code validating → in_progress → finalizing → completed}; it can end {@code
 * failed} (its input was refused, or the enqueued-token quota was full), {@code expired} (the
 * completion window ran out; what finished is still in the output file) or, after {@code
 * cancelling}, {@code cancelled}.
 */
public enum BatchStatus {
  /** The input file is being checked. */
  VALIDATING,
  /** Requests are being run. */
  IN_PROGRESS,
  /** The output and error files are being written. */
  FINALIZING,
  /** Done; the output and error files are ready. */
  COMPLETED,
  /** Refused as a whole; {@link BatchJob#errors()} says why. */
  FAILED,
  /** The completion window ran out; the files hold what finished. */
  EXPIRED,
  /** A cancel was asked for and is being carried out. */
  CANCELLING,
  /** Cancelled; the files hold what finished before. */
  CANCELLED;

  /**
   * The status as the services spell it, for example {@code in_progress}.
   *
   * @return the wire name
   */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Whether the batch can no longer change.
   *
   * @return true for completed, failed, expired and cancelled
   */
  public boolean isTerminal() {
    return this == COMPLETED || this == FAILED || this == EXPIRED || this == CANCELLED;
  }

  /**
   * Reads a wire name.
   *
   * @param wireName for example {@code in_progress}
   * @return the status
   * @throws IllegalArgumentException if the name is not one of the eight statuses
   */
  public static BatchStatus fromWire(String wireName) {
    for (BatchStatus s : values()) {
      if (s.wireName().equals(wireName)) {
        return s;
      }
    }
    throw new IllegalArgumentException(
        "Unknown batch status '"
            + wireName
            + "'; expected one of validating, in_progress,"
            + " finalizing, completed, failed, expired, cancelling, cancelled");
  }
}
