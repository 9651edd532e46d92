package dev.llmclient.core.internal.schema;

/**
 * A string that counts the characters a regular expression reads and stops the match once it has
 * read its budget: {@code java.util.regex} reads its input only through {@link #charAt}. This is
 * how {@link SchemaValidator} bounds the work of a {@code pattern}.
 */
final class CountingChars implements CharSequence {

  /** Thrown out of a match that spent its budget; shared, without a stack trace. */
  static final class OutOfSteps extends RuntimeException {
    private static final long serialVersionUID = 1L;
    static final OutOfSteps INSTANCE = new OutOfSteps();

    private OutOfSteps() {
      super("the pattern's step budget is spent", null, false, false);
    }
  }

  private final String text;
  private final long allowed;
  private long left;

  CountingChars(String text, long allowed) {
    this.text = text;
    this.allowed = allowed;
    this.left = allowed;
  }

  long used() {
    return allowed - Math.max(0, left);
  }

  @Override
  public char charAt(int index) {
    if (--left < 0) {
      throw OutOfSteps.INSTANCE;
    }
    return text.charAt(index);
  }

  @Override
  public int length() {
    return text.length();
  }

  @Override
  public CharSequence subSequence(int start, int end) {
    return new CountingChars(text.substring(start, end), Math.max(0, left));
  }

  @Override
  public String toString() {
    return text;
  }
}
