package dev.llmclient.core.internal.chat;

/** Reading a model's reply text, the same way for online calls and file batches. */
public final class Replies {

  private Replies() {}

  /**
   * Removes a Markdown code fence ({@code ```json ... ```} or {@code ``` ... ```}) around the whole
   * reply.
   *
   * @param text the reply, already stripped of surrounding white space
   * @return the text inside the fence, or the text as it was
   */
  public static String stripFence(String text) {
    if (!text.startsWith("```")) {
      return text;
    }
    int firstNewline = text.indexOf('\n');
    if (firstNewline < 0) {
      return text;
    }
    String trimmed = text.substring(firstNewline + 1).stripTrailing();
    if (trimmed.endsWith("```")) {
      trimmed = trimmed.substring(0, trimmed.length() - 3);
    }
    return trimmed.strip();
  }

  /**
   * A short, quoted, one-line excerpt of a reply for an error message.
   *
   * @param text the reply
   * @param max the most characters shown
   * @return the excerpt, with the full length when cut
   */
  public static String excerpt(String text, int max) {
    String oneLine = text.replaceAll("\\s+", " ");
    return oneLine.length() <= max
        ? "'" + oneLine + "'"
        : "'" + oneLine.substring(0, max) + "...' (" + text.length() + " chars)";
  }
}
