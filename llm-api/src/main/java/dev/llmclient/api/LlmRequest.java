package dev.llmclient.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * One structured call: the conversation, the shape of the answer, and per-call overrides.
 *
 * <p>Immutable; build one with {@link #builder()}. The request carries its answer type {@code T}:
 * {@link Builder#responseType(Class)} sets it, and without it the answer is any JSON object, a
 * {@code Map<String, Object>} (Graphiti's JSON-object mode). Settings left unset fall back to the
 * client's configuration.
 *
 * <pre>{@code
 * LlmRequest<People> request = LlmRequest.builder()
 *     .messages(List.of(Message.system("Extract people."), Message.user(text)))
 *     .responseType(People.class)
 *     .modelSize(ModelSize.SMALL)
 *     .promptName("extract_nodes.people")
 *     .build();
 * LlmResponse<People> response = client.generate(request);
 * }</pre>
 *
 * @param <T> the type of the answer's {@link LlmResponse#value()}
 */
public final class LlmRequest<T> {

  private static final Pattern SCHEMA_NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");

  private final List<Message> messages;
  private final @Nullable Class<?> responseType;
  private final @Nullable String schemaName;
  private final @Nullable String schemaJson;
  private final @Nullable Integer maxTokens;
  private final ModelSize modelSize;
  private final @Nullable String groupId;
  private final @Nullable String promptName;
  private final @Nullable Double temperature;
  private final boolean attributeExtraction;

  private LlmRequest(Builder<T> b) {
    this.messages = List.copyOf(b.messages);
    this.responseType = b.responseType;
    this.schemaName = b.schemaName;
    this.schemaJson = b.schemaJson;
    this.maxTokens = b.maxTokens;
    this.modelSize = b.modelSize;
    this.groupId = b.groupId;
    this.promptName = b.promptName;
    this.temperature = b.temperature;
    this.attributeExtraction = b.attributeExtraction;
  }

  /**
   * A new, empty builder for a JSON-object answer; {@link Builder#responseType(Class)} changes the
   * answer type.
   *
   * @return the builder
   */
  public static Builder<Map<String, Object>> builder() {
    return new Builder<>();
  }

  /**
   * A builder that starts from this request's values, with the same answer type.
   *
   * @return the builder
   */
  public Builder<T> toBuilder() {
    Builder<T> b = new Builder<>();
    b.messages.addAll(messages);
    b.responseType = responseType;
    b.schemaName = schemaName;
    b.schemaJson = schemaJson;
    b.maxTokens = maxTokens;
    b.modelSize = modelSize;
    b.groupId = groupId;
    b.promptName = promptName;
    b.temperature = temperature;
    b.attributeExtraction = attributeExtraction;
    return b;
  }

  /**
   * The conversation, in order; never empty. The client works on a copy and never changes it.
   *
   * @return an unmodifiable list
   */
  public List<Message> messages() {
    return messages;
  }

  /**
   * The Java type the answer is mapped to; its JSON schema is sent as a strict {@code json_schema}
   * response format. Null when the request gives an explicit schema or wants any JSON object.
   *
   * @return the type, or null
   */
  public @Nullable Class<?> responseType() {
    return responseType;
  }

  /**
   * The name of an explicit JSON schema set with {@link Builder#jsonSchema(String, String)}.
   *
   * @return the name, or null
   */
  public @Nullable String schemaName() {
    return schemaName;
  }

  /**
   * An explicit JSON schema (as JSON text) the answer must satisfy, instead of a Java type.
   *
   * @return the schema text, or null
   */
  public @Nullable String schemaJson() {
    return schemaJson;
  }

  /**
   * The output-token cap for this call; null means the client's configured default.
   *
   * @return the cap, or null
   */
  public @Nullable Integer maxTokens() {
    return maxTokens;
  }

  /**
   * Which configured model the call goes to.
   *
   * @return the size; {@link ModelSize#MEDIUM} unless set
   */
  public ModelSize modelSize() {
    return modelSize;
  }

  /**
   * The graph partition the call works for (Graphiti's {@code group_id}); handed to the
   * system-prompt suffix hook, never sent on its own.
   *
   * @return the id, or null
   */
  public @Nullable String groupId() {
    return groupId;
  }

  /**
   * A label for tracing and token accounting, such as {@code "extract_edges.edge"}.
   *
   * @return the label, or null
   */
  public @Nullable String promptName() {
    return promptName;
  }

  /**
   * A sampling temperature for this call only; null means the client's configured one. Ignored for
   * reasoning models, which do not accept it.
   *
   * @return the temperature, or null
   */
  public @Nullable Double temperature() {
    return temperature;
  }

  /**
   * Whether the call extracts attributes (Graphiti's {@code attribute_extraction}): the client then
   * adds a note to the first message saying that schema field descriptions are never values
   * themselves and that a missing value is null.
   *
   * @return true for attribute extraction
   */
  public boolean attributeExtraction() {
    return attributeExtraction;
  }

  /** Shows the settings and the message count; never message content. */
  @Override
  public String toString() {
    return "LlmRequest[messages="
        + messages.size()
        + ", responseType="
        + (responseType == null ? null : responseType.getName())
        + ", schemaName="
        + schemaName
        + ", maxTokens="
        + maxTokens
        + ", modelSize="
        + modelSize.value()
        + ", promptName="
        + promptName
        + ", temperature="
        + temperature
        + "]";
  }

  /**
   * Builds an {@link LlmRequest}. Not thread-safe; {@link #build()} validates.
   *
   * @param <T> the answer type of the request it builds
   */
  public static final class Builder<T> {
    private final List<Message> messages = new ArrayList<>();
    private @Nullable Class<?> responseType;
    private @Nullable String schemaName;
    private @Nullable String schemaJson;
    private @Nullable Integer maxTokens;
    private ModelSize modelSize = ModelSize.MEDIUM;
    private @Nullable String groupId;
    private @Nullable String promptName;
    private @Nullable Double temperature;
    private boolean attributeExtraction;

    private Builder() {}

    /**
     * Replaces the conversation.
     *
     * @param messages the messages, in order
     * @return this builder
     */
    public Builder<T> messages(List<Message> messages) {
      Objects.requireNonNull(messages, "messages");
      this.messages.clear();
      for (Message m : messages) {
        this.messages.add(Objects.requireNonNull(m, "messages must not contain null"));
      }
      return this;
    }

    /**
     * Appends one message.
     *
     * @param message the message
     * @return this builder
     */
    public Builder<T> addMessage(Message message) {
      messages.add(Objects.requireNonNull(message, "message"));
      return this;
    }

    /**
     * The Java type (record, class, enum, list-holding type) to map the answer to.
     *
     * @param type the type, or null for any JSON object
     * @param <U> the new answer type
     * @return this builder, now building requests with answers of type {@code U}
     */
    @SuppressWarnings("unchecked")
    public <U> Builder<U> responseType(@Nullable Class<U> type) {
      this.responseType = type;
      return (Builder<U>) this;
    }

    /**
     * An explicit JSON schema the answer must satisfy; the answer is returned as a map.
     *
     * @param name a name of 1 to 64 letters, digits, {@code _} or {@code -}, as OpenAI requires
     * @param schemaJson the schema as JSON text (an object)
     * @return this builder, now building requests with map answers
     */
    @SuppressWarnings("unchecked")
    public Builder<Map<String, Object>> jsonSchema(String name, String schemaJson) {
      this.schemaName = Objects.requireNonNull(name, "name");
      this.schemaJson = Objects.requireNonNull(schemaJson, "schemaJson");
      return (Builder<Map<String, Object>>) this;
    }

    /**
     * The output-token cap for this call.
     *
     * @param maxTokens a positive cap, or null for the client's default
     * @return this builder
     */
    public Builder<T> maxTokens(@Nullable Integer maxTokens) {
      this.maxTokens = maxTokens;
      return this;
    }

    /**
     * Which configured model to use.
     *
     * @param modelSize the size
     * @return this builder
     */
    public Builder<T> modelSize(ModelSize modelSize) {
      this.modelSize = Objects.requireNonNull(modelSize, "modelSize");
      return this;
    }

    /**
     * The graph partition id (Graphiti's {@code group_id}).
     *
     * @param groupId the id, or null
     * @return this builder
     */
    public Builder<T> groupId(@Nullable String groupId) {
      this.groupId = groupId;
      return this;
    }

    /**
     * A label for tracing and token accounting.
     *
     * @param promptName the label, or null
     * @return this builder
     */
    public Builder<T> promptName(@Nullable String promptName) {
      this.promptName = promptName;
      return this;
    }

    /**
     * A sampling temperature for this call only.
     *
     * @param temperature 0.0 to 2.0, or null for the client's setting
     * @return this builder
     */
    public Builder<T> temperature(@Nullable Double temperature) {
      this.temperature = temperature;
      return this;
    }

    /**
     * Marks the call as attribute extraction (Graphiti's {@code attribute_extraction}), which adds
     * a note against copying field descriptions into fields.
     *
     * @param attributeExtraction true for attribute extraction
     * @return this builder
     */
    public Builder<T> attributeExtraction(boolean attributeExtraction) {
      this.attributeExtraction = attributeExtraction;
      return this;
    }

    /**
     * Validates and builds the request.
     *
     * @return the request
     * @throws IllegalArgumentException naming the setting that is wrong and what is allowed
     */
    public LlmRequest<T> build() {
      if (messages.isEmpty()) {
        throw new IllegalArgumentException(
            "LlmRequest needs at least one message; add one with messages(...) or addMessage(...)");
      }
      if (maxTokens != null && maxTokens <= 0) {
        throw new IllegalArgumentException(
            "maxTokens must be positive, got " + maxTokens + "; pass null to use the default");
      }
      if (temperature != null && (temperature.isNaN() || temperature < 0.0 || temperature > 2.0)) {
        throw new IllegalArgumentException(
            "temperature must be between 0.0 and 2.0, got " + temperature);
      }
      if (responseType != null && schemaJson != null) {
        throw new IllegalArgumentException(
            "set either responseType(...) or jsonSchema(...), not both: the schema of "
                + responseType.getName()
                + " would be ignored");
      }
      if (schemaName != null && !SCHEMA_NAME.matcher(schemaName).matches()) {
        throw new IllegalArgumentException(
            "jsonSchema name must be 1 to 64 letters, digits, '_' or '-', got '"
                + schemaName
                + "'");
      }
      if (schemaJson != null && !schemaJson.stripLeading().startsWith("{")) {
        throw new IllegalArgumentException(
            "jsonSchema must be a JSON object, starting with '{'; got text starting with '"
                + schemaJson.strip().substring(0, Math.min(20, schemaJson.strip().length()))
                + "'");
      }
      return new LlmRequest<>(this);
    }
  }
}
