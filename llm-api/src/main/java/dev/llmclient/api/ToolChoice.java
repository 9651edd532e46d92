package dev.llmclient.api;

import java.util.Objects;

/**
 * Whether and which tool the model must call: {@link #auto()} (the model decides, the default when
 * tools are given), {@link #none()}, {@link #required()} (at least one call) or {@link
 * #named(String)} (exactly that tool).
 */
public sealed interface ToolChoice
    permits ToolChoice.Auto, ToolChoice.None, ToolChoice.Required, ToolChoice.Named {

  /**
   * The model decides whether to call tools.
   *
   * @return the choice
   */
  static ToolChoice auto() {
    return Auto.INSTANCE;
  }

  /**
   * The model must not call a tool and answers directly.
   *
   * @return the choice
   */
  static ToolChoice none() {
    return None.INSTANCE;
  }

  /**
   * The model must call at least one tool.
   *
   * @return the choice
   */
  static ToolChoice required() {
    return Required.INSTANCE;
  }

  /**
   * The model must call this tool.
   *
   * @param toolName the name of one of the request's tools
   * @return the choice
   */
  static ToolChoice named(String toolName) {
    return new Named(toolName);
  }

  /** The model decides. */
  enum Auto implements ToolChoice {
    /** The only value. */
    INSTANCE;

    /** The wire value, {@code "auto"}. */
    @Override
    public String toString() {
      return "auto";
    }
  }

  /** No tool call. */
  enum None implements ToolChoice {
    /** The only value. */
    INSTANCE;

    /** The wire value, {@code "none"}. */
    @Override
    public String toString() {
      return "none";
    }
  }

  /** At least one tool call. */
  enum Required implements ToolChoice {
    /** The only value. */
    INSTANCE;

    /** The wire value, {@code "required"}. */
    @Override
    public String toString() {
      return "required";
    }
  }

  /**
   * Exactly this tool.
   *
   * @param toolName the tool's name
   */
  record Named(String toolName) implements ToolChoice {

    /**
     * Rejects null.
     *
     * @param toolName the tool's name
     */
    public Named {
      Objects.requireNonNull(toolName, "toolName");
    }
  }
}
