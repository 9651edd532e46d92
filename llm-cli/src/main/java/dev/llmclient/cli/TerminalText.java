package dev.llmclient.cli;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Makes text from a model, a server or an input file safe to print on a terminal.
 *
 * <p>Such text can carry escape sequences (ESC, CSI, OSC, 8-bit C1 controls) that a terminal would
 * obey: recolour or clear the screen, set the window title, write a hyperlink, even answer back.
 * Every control character except newline and tab, DEL, the C1 range and the bidirectional overrides
 * is shown as a visible escape instead ({@code \x1b}, {@code \u009b}), so the reader sees what the
 * text held and the terminal does nothing. JSON written by the command needs none of this: {@link
 * Json} escapes the same characters, which keeps the content exact.
 */
final class TerminalText {

  private TerminalText() {}

  /**
   * The text with every character a terminal could act on replaced by a visible escape; newlines
   * and tabs are kept; null becomes {@code "null"}.
   */
  static String safe(@Nullable String text) {
    if (text == null) {
      return "null";
    }
    int i = 0;
    while (i < text.length() && !isUnsafe(text.charAt(i))) {
      i++;
    }
    if (i == text.length()) {
      return text;
    }
    StringBuilder out = new StringBuilder(text.length() + 16).append(text, 0, i);
    for (; i < text.length(); i++) {
      char c = text.charAt(i);
      if (!isUnsafe(c)) {
        out.append(c);
      } else if (c < 0x80) {
        out.append(String.format(Locale.ROOT, "\\x%02x", (int) c));
      } else {
        out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
      }
    }
    return out.toString();
  }

  /**
   * Whether a terminal could act on this character: C0 controls except newline and tab, DEL, C1
   * controls, and the bidirectional embeddings, overrides and isolates that reorder what is shown.
   */
  static boolean isUnsafe(char c) {
    if (c < 0x20) {
      return c != '\n' && c != '\t';
    }
    return (c >= 0x7f && c <= 0x9f)
        || (c >= '\u202a' && c <= '\u202e')
        || (c >= '\u2066' && c <= '\u2069');
  }
}
