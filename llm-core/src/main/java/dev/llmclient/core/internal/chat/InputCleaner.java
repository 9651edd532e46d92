package dev.llmclient.core.internal.chat;

/**
 * Graphiti's {@code _clean_input}: removes lone surrogates, the five invisible characters U+200B,
 * U+200C, U+200D, U+FEFF and U+2060, and every control character below U+0020 except {@code \n},
 * {@code \r} and {@code \t}. Everything else (DEL, C1 controls, U+2028, bidi marks, soft hyphens)
 * is kept.
 */
final class InputCleaner {

  private InputCleaner() {}

  /** Returns the cleaned text; the same instance when nothing had to be removed. */
  static String clean(String text) {
    int n = text.length();
    int i = 0;
    while (i < n) {
      int skip = removable(text, i);
      if (skip != 0) {
        break;
      }
      i += Character.isHighSurrogate(text.charAt(i)) ? 2 : 1;
    }
    if (i >= n) {
      return text;
    }
    StringBuilder sb = new StringBuilder(n);
    sb.append(text, 0, i);
    while (i < n) {
      int skip = removable(text, i);
      if (skip != 0) {
        i += 1;
        continue;
      }
      char c = text.charAt(i);
      sb.append(c);
      if (Character.isHighSurrogate(c)) {
        sb.append(text.charAt(i + 1));
        i += 2;
      } else {
        i += 1;
      }
    }
    return sb.toString();
  }

  /** 1 when the char at {@code i} must go; 0 when it (and its low surrogate, if paired) stays. */
  private static int removable(String text, int i) {
    char c = text.charAt(i);
    if (c < 0x20) {
      return c == '\n' || c == '\r' || c == '\t' ? 0 : 1;
    }
    if (Character.isHighSurrogate(c)) {
      boolean paired = i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1));
      return paired ? 0 : 1;
    }
    if (Character.isLowSurrogate(c)) {
      return 1;
    }
    return c == '\u200B' || c == '\u200C' || c == '\u200D' || c == '\uFEFF' || c == '\u2060'
        ? 1
        : 0;
  }
}
