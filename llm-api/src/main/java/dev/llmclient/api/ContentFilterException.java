package dev.llmclient.api;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Azure's content filter blocked the prompt (HTTP 400, {@code code: content_filter}) or the
 * completion ({@code finish_reason: content_filter}). Not retryable: the same text is filtered
 * again, on every deployment.
 *
 * <p>{@link #results()} lists each category the service reported, with its severity and whether it
 * was the one that filtered. The message ends with the categories that filtered and their
 * severities, so a log line says why, e.g. {@code Blocked by the content filter (prompt):
 * hate=high, violence=medium.}
 */
public final class ContentFilterException extends LlmException {

  private static final long serialVersionUID = 1L;

  /** Which side of the call was filtered. */
  public enum Side {
    /** The input was blocked; the model did not run. */
    PROMPT,
    /** The model's output was blocked. */
    COMPLETION
  }

  /**
   * One category of a content-filter verdict.
   *
   * @param category {@code hate}, {@code sexual}, {@code violence}, {@code self_harm}, {@code
   *     jailbreak}, {@code profanity}, ...
   * @param filtered whether this category caused the block
   * @param severity {@code safe}, {@code low}, {@code medium} or {@code high}, or null for
   *     detection-style categories
   * @param detected for detection-style categories (jailbreak, protected material), whether it was
   *     detected; null for severity-style ones
   */
  public record Result(
      String category, boolean filtered, @Nullable String severity, @Nullable Boolean detected)
      implements Serializable {

    /**
     * Validates the category name.
     *
     * @param category {@code hate}, {@code sexual}, {@code violence}, {@code self_harm}, {@code
     *     jailbreak}, {@code profanity}, ...
     * @param filtered whether this category caused the block
     * @param severity {@code safe}, {@code low}, {@code medium} or {@code high}, or null for
     *     detection-style categories
     * @param detected for detection-style categories (jailbreak, protected material), whether it
     *     was detected; null for severity-style ones
     * @throws NullPointerException if {@code category} is null
     */
    public Result {
      Objects.requireNonNull(category, "category");
    }
  }

  /** At most this many categories are named in the message; the rest are counted. */
  private static final int MAX_NAMED = 8;

  private final Side side;
  private final ArrayList<Result> results;

  /**
   * Creates the exception.
   *
   * @param message what went wrong and what to do; the filtered categories and their severities are
   *     appended
   * @param context provider, status and request id
   * @param side the prompt or the completion
   * @param results the per-category verdicts; may be empty when the service sent none
   * @param cause the underlying failure, or null
   */
  public ContentFilterException(
      String message,
      ErrorContext context,
      Side side,
      List<Result> results,
      @Nullable Throwable cause) {
    super(message + verdict(side, results), context, cause);
    this.side = Objects.requireNonNull(side, "side");
    this.results = new ArrayList<>(results);
  }

  /**
   * " Blocked by the content filter (prompt): hate=high, violence=medium." — the categories come
   * from the server, so they are shortened and stripped of control characters.
   */
  private static String verdict(@Nullable Side side, List<Result> results) {
    StringBuilder s =
        new StringBuilder(" Blocked by the content filter (")
            .append(side == Side.COMPLETION ? "completion" : "prompt")
            .append("): ");
    int named = 0;
    int more = 0;
    for (Result r : results) {
      if (r == null || !r.filtered()) {
        continue;
      }
      if (named == MAX_NAMED) {
        more++;
        continue;
      }
      if (named > 0) {
        s.append(", ");
      }
      s.append(printable(r.category(), 40)).append('=');
      if (r.severity() != null) {
        s.append(printable(r.severity(), 16));
      } else if (Boolean.TRUE.equals(r.detected())) {
        s.append("detected");
      } else {
        s.append("filtered");
      }
      named++;
    }
    if (named == 0) {
      s.append("no category reported");
    } else if (more > 0) {
      s.append(" and ").append(more).append(" more");
    }
    return s.append('.').toString();
  }

  private static String printable(String text, int max) {
    StringBuilder out = new StringBuilder(Math.min(text.length(), max));
    for (int i = 0; i < text.length() && out.length() < max; i++) {
      char c = text.charAt(i);
      out.append(Character.isISOControl(c) ? '?' : c);
    }
    return out.length() < text.length() ? out + "..." : out.toString();
  }

  /**
   * Whether the prompt or the completion was filtered.
   *
   * @return the side
   */
  public Side side() {
    return side;
  }

  /**
   * Every category the service reported.
   *
   * @return an unmodifiable list
   */
  public List<Result> results() {
    return List.copyOf(results);
  }

  /**
   * The categories that caused the block.
   *
   * @return an unmodifiable list of the results with {@code filtered == true}
   */
  public List<Result> filteredCategories() {
    return results.stream().filter(Result::filtered).toList();
  }
}
