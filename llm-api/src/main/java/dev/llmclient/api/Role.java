package dev.llmclient.api;

/** Who wrote a {@link Message}: the instructions, the user, the model, or a tool. */
public enum Role {
  /** Instructions that frame the conversation (the system prompt). */
  SYSTEM("system"),
  /** Input written by the user or by the application on the user's behalf. */
  USER("user"),
  /** An earlier answer of the model, given back as context. */
  ASSISTANT("assistant"),
  /** The result of a tool the model called, given back with the call's id. */
  TOOL("tool");

  private final String wireName;

  Role(String wireName) {
    this.wireName = wireName;
  }

  /**
   * The role as the OpenAI and Azure OpenAI APIs spell it on the wire.
   *
   * @return {@code "system"}, {@code "user"}, {@code "assistant"} or {@code "tool"}
   */
  public String wireName() {
    return wireName;
  }
}
