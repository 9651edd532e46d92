package dev.llmclient.api;

/**
 * Which of the two configured models (or Azure deployments) a call goes to.
 *
 * <p>Use {@link #SMALL} for cheap, high-volume steps such as deduplication or attribute extraction,
 * and {@link #MEDIUM} (the default) for everything else. With no small model configured, {@link
 * #SMALL} falls back to the medium one; it never picks a model name the user did not configure.
 */
public enum ModelSize {
  /** The configured small model or deployment. */
  SMALL,
  /** The configured main model or deployment; the default. */
  MEDIUM;

  /**
   * The lower-case name used in span attributes and logs ({@code "small"}, {@code "medium"}).
   *
   * @return the value as Graphiti spells it
   */
  public String value() {
    return this == SMALL ? "small" : "medium";
  }
}
