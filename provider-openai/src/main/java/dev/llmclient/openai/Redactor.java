package dev.llmclient.openai;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Removes known secrets (API keys, bearer tokens, secret header values) from text that came from a
 * server, so that an error message can never carry one, even when a server echoes it back.
 *
 * <p>Error mapping runs on the HTTP client's I/O threads, so everything here is linear in a small,
 * bounded window of the body: a hostile or huge body costs microseconds, never a stalled reactor.
 */
final class Redactor {

  private static final int MIN_SECRET_LENGTH = 6;

  /** How many characters of a body an excerpt looks at; the rest cannot reach a short excerpt. */
  static final int WINDOW_CHARS = 8 * 1024;

  /** How many bytes of a body are decoded for an excerpt (UTF-8: at least the window's chars). */
  static final int WINDOW_BYTES = 4 * WINDOW_CHARS;

  private final Supplier<? extends Collection<String>> secrets;

  Redactor(Supplier<? extends Collection<String>> secrets) {
    this.secrets = secrets;
  }

  String redact(String text) {
    String result = text;
    for (String secret : secrets.get()) {
      if (secret.length() >= MIN_SECRET_LENGTH && result.contains(secret)) {
        result = result.replace(secret, "****");
      }
    }
    return result;
  }

  /**
   * The cause to attach to an exception: {@code cause} itself, unless the text of an exception in
   * its chain (message, {@code toString()}, causes, suppressed) carries a known secret; then a copy
   * of the chain as {@link RedactedException}s with the secrets removed and the stack traces kept.
   *
   * @param cause the cause, or null
   * @return a cause whose text is free of secrets
   */
  @Nullable Throwable safeCause(@Nullable Throwable cause) {
    if (cause == null || !leaks(cause, 0)) {
      return cause;
    }
    return copy(cause, 0);
  }

  private boolean leaks(Throwable t, int depth) {
    if (depth > 16) {
      return false;
    }
    for (String text : new String[] {t.getMessage(), t.toString()}) {
      if (text != null && !redact(text).equals(text)) {
        return true;
      }
    }
    if (t.getCause() != null && t.getCause() != t && leaks(t.getCause(), depth + 1)) {
      return true;
    }
    for (Throwable s : t.getSuppressed()) {
      if (leaks(s, depth + 1)) {
        return true;
      }
    }
    return false;
  }

  private Throwable copy(Throwable t, int depth) {
    Throwable cause = t.getCause();
    RedactedException copy =
        new RedactedException(
            redact(t.toString()),
            cause == null || cause == t || depth > 16 ? null : copy(cause, depth + 1));
    copy.setStackTrace(t.getStackTrace());
    for (Throwable s : t.getSuppressed()) {
      copy.addSuppressed(copy(s, depth + 1));
    }
    return copy;
  }

  /**
   * Stands in for an exception whose text carried a secret: its {@code toString()} is the
   * original's ({@code class: message}) with the secrets replaced by {@code ****}.
   */
  static final class RedactedException extends Exception {
    private static final long serialVersionUID = 1L;

    RedactedException(String text, @Nullable Throwable cause) {
      super(text, cause);
    }

    @Override
    public String toString() {
      return String.valueOf(getMessage());
    }
  }

  /**
   * A short, single-line excerpt of a body given as bytes; only its first {@link #WINDOW_BYTES}
   * bytes are decoded.
   *
   * @param body the body; may be a prefix of what the server sent
   * @param complete whether {@code body} is everything the server sent (false when it was cut)
   * @param max the most characters to keep
   * @return the excerpt
   */
  String excerpt(byte[] body, boolean complete, int max) {
    int length = Math.min(body.length, WINDOW_BYTES);
    String text = new String(body, 0, length, StandardCharsets.UTF_8);
    return excerpt(text, complete && length == body.length, max);
  }

  /**
   * A short, single-line excerpt of a body: tags stripped (gateway HTML pages), whitespace
   * collapsed, secrets removed, at most {@code max} characters. Looks at the first {@link
   * #WINDOW_CHARS} characters only.
   */
  String excerpt(String body, int max) {
    return excerpt(body, true, max);
  }

  private String excerpt(String body, boolean complete, int max) {
    Collection<String> known = secrets.get();
    int end = windowEnd(body, known);
    boolean cut = !complete || end < body.length();
    String window = body.substring(0, end);
    if (!complete && end == body.length()) {
      // The text stops where the bytes we have stop: a secret may start there and go on beyond.
      window = withoutTrailingPartialSecret(window, known);
    }
    String text = flatten(window, window.stripLeading().startsWith("<"));
    // Redact before cutting: a secret that straddled the cut would no longer match.
    text = redact(text);
    if (text.length() > max) {
      text = text.substring(0, max) + "...";
    } else if (cut && !text.isEmpty()) {
      text = text + "...";
    }
    return text;
  }

  /** Where the window ends: {@link #WINDOW_CHARS}, moved past any secret that straddles it. */
  private static int windowEnd(String body, Collection<String> known) {
    int end = Math.min(body.length(), WINDOW_CHARS);
    boolean moved = true;
    while (moved && end < body.length()) {
      moved = false;
      for (String secret : known) {
        if (secret.length() < MIN_SECRET_LENGTH) {
          continue;
        }
        int at = body.indexOf(secret, Math.max(0, end - secret.length() + 1));
        if (at >= 0 && at < end && at + secret.length() > end) {
          end = at + secret.length();
          moved = true;
        }
      }
    }
    return end;
  }

  private static String withoutTrailingPartialSecret(String text, Collection<String> known) {
    for (String secret : known) {
      if (secret.length() < MIN_SECRET_LENGTH) {
        continue;
      }
      for (int k = Math.min(secret.length() - 1, text.length()); k >= MIN_SECRET_LENGTH; k--) {
        if (text.regionMatches(text.length() - k, secret, 0, k)) {
          return text.substring(0, text.length() - k);
        }
      }
    }
    return text;
  }

  /**
   * One linear pass: drops tags (and the content of {@code script} and {@code style} elements) when
   * {@code markup} is set, and collapses every run of whitespace into one space. An {@code <} that
   * no {@code >} follows is kept as text, as is the rest of the page after an unclosed {@code
   * <script>}'s own tag.
   */
  static String flatten(String text, boolean markup) {
    int n = text.length();
    StringBuilder out = new StringBuilder(Math.min(n, 1024));
    boolean space = false;
    int nextGt = -2; // position of the next '>' after the current one; -2 unknown, -1 none left
    int noScriptCloseFrom = Integer.MAX_VALUE; // no "</script" at or after this position
    int noStyleCloseFrom = Integer.MAX_VALUE;
    int i = 0;
    while (i < n) {
      char c = text.charAt(i);
      if (markup && c == '<') {
        if (nextGt != -1 && nextGt <= i) {
          nextGt = text.indexOf('>', i + 1);
        }
        if (nextGt >= 0) {
          int resume = nextGt + 1;
          String element = rawTextElement(text, i + 1);
          if (element != null) {
            boolean script = element.equals("script");
            int from = resume;
            int close =
                from >= (script ? noScriptCloseFrom : noStyleCloseFrom)
                    ? -1
                    : indexOfClosingTag(text, "</" + element, from);
            if (close < 0) {
              if (script) {
                noScriptCloseFrom = Math.min(noScriptCloseFrom, from);
              } else {
                noStyleCloseFrom = Math.min(noStyleCloseFrom, from);
              }
            } else {
              int gt = text.indexOf('>', close);
              resume = gt < 0 ? n : gt + 1;
            }
          }
          i = resume;
          space = true;
          continue;
        }
      }
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\u000B') {
        space = true;
      } else {
        if (space && out.length() > 0) {
          out.append(' ');
        }
        space = false;
        out.append(c);
      }
      i++;
    }
    return out.toString();
  }

  /** "script" or "style" when the tag starting at {@code at} (after the '<') opens one. */
  private static @Nullable String rawTextElement(String text, int at) {
    for (String name : new String[] {"script", "style"}) {
      if (text.regionMatches(true, at, name, 0, name.length())) {
        int after = at + name.length();
        if (after >= text.length() || !Character.isLetterOrDigit(text.charAt(after))) {
          return name;
        }
      }
    }
    return null;
  }

  private static int indexOfClosingTag(String text, String closing, int from) {
    int last = text.length() - closing.length();
    for (int j = text.indexOf('<', from); j >= 0 && j <= last; j = text.indexOf('<', j + 1)) {
      if (text.regionMatches(true, j, closing, 0, closing.length())) {
        return j;
      }
    }
    return -1;
  }
}
