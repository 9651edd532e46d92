package dev.llmclient.core.internal.embed;

import dev.llmclient.core.EmbedderConfig;
import java.util.ArrayList;
import java.util.List;

/** Input checks, Graphiti's newline rule, and the split of a batch into requests. */
final class EmbeddingBatches {

  private EmbeddingBatches() {}

  /**
   * The texts as they are sent: each line break ({@code \r\n}, {@code \n} or {@code \r}) becomes
   * one space, as Graphiti's {@code generate_embedding} helper does for {@code \n}.
   *
   * @throws NullPointerException when the list is null
   * @throws IllegalArgumentException naming the first null or blank entry's index
   */
  static List<String> prepare(List<String> inputs) {
    if (inputs == null) {
      throw new NullPointerException("inputs");
    }
    List<String> out = new ArrayList<>(inputs.size());
    int i = 0;
    for (String text : inputs) {
      if (text == null) {
        throw new IllegalArgumentException(
            "inputs["
                + i
                + "] is null; every input must be a non-blank text (remove it or replace it"
                + " before embedding)");
      }
      if (text.isBlank()) {
        throw new IllegalArgumentException(
            "inputs["
                + i
                + "] is blank; the embeddings API rejects empty input, so remove it or replace"
                + " it before embedding");
      }
      out.add(replaceLineBreaks(text));
      i++;
    }
    return out;
  }

  static String replaceLineBreaks(String text) {
    if (text.indexOf('\n') < 0 && text.indexOf('\r') < 0) {
      return text;
    }
    StringBuilder sb = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\r') {
        sb.append(' ');
        if (i + 1 < text.length() && text.charAt(i + 1) == '\n') {
          i++;
        }
      } else if (c == '\n') {
        sb.append(' ');
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  /**
   * Splits the given positions, in order, into requests of at most {@code maxInputs} texts and at
   * most {@code maxTokens} estimated tokens; a single text over the budget goes alone.
   *
   * @param indexes positions into {@code texts}, ascending
   * @return one array of positions per request, in order
   */
  static List<int[]> plan(List<String> texts, List<Integer> indexes, EmbedderConfig config) {
    int maxInputs = config.maxInputsPerRequest();
    long maxTokens = config.maxTokensPerRequest();
    List<int[]> parts = new ArrayList<>();
    int[] current = new int[Math.min(maxInputs, indexes.size())];
    int size = 0;
    long tokens = 0;
    for (int index : indexes) {
      long t = config.estimateTokens(texts.get(index));
      if (size > 0 && (size == maxInputs || tokens + t > maxTokens)) {
        parts.add(java.util.Arrays.copyOf(current, size));
        size = 0;
        tokens = 0;
      }
      current[size++] = index;
      tokens += t;
    }
    if (size > 0) {
      parts.add(java.util.Arrays.copyOf(current, size));
    }
    return parts;
  }
}
