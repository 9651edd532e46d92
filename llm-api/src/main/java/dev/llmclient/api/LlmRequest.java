package dev.llmclient.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One chat call: the conversation, the shape of the answer, tools, and per-call settings.
 *
 * <p>Immutable; build one with {@link #builder()}. The request carries its answer type {@code T}:
 * {@link Builder#responseType(Class)} sets it (a record or bean for a structured answer, {@code
 * String} for plain text), and without it the answer is any JSON object, a {@code Map<String,
 * Object>} (Graphiti's JSON-object mode). Settings left unset fall back to the client's
 * configuration and are not sent.
 *
 * <pre>{@code
 * LlmRequest<People> request = LlmRequest.builder()
 *     .messages(List.of(Message.system("Extract people."), Message.user(text)))
 *     .responseType(People.class)
 *     .modelSize(ModelSize.SMALL)
 *     .promptName("extract_nodes.people")
 *     .build();
 * People people = client.generate(request).value();
 * }</pre>
 *
 * @param <T> the type of the answer's {@link LlmResponse#value()}
 */
public final class LlmRequest<T> {

  /** The most stop sequences the APIs accept. */
  public static final int MAX_STOP_SEQUENCES = 4;

  private final List<Message> messages;
  private final @Nullable Class<?> responseType;
  private final @Nullable String schemaName;
  private final @Nullable String schemaJson;
  private final @Nullable Integer maxTokens;
  private final ModelSize modelSize;
  private final @Nullable String model;
  private final @Nullable String groupId;
  private final @Nullable String promptName;
  private final @Nullable Double temperature;
  private final @Nullable Double topP;
  private final @Nullable Long seed;
  private final List<String> stop;
  private final @Nullable Double presencePenalty;
  private final @Nullable Double frequencyPenalty;
  private final @Nullable String reasoningEffort;
  private final @Nullable String verbosity;
  private final @Nullable String user;
  private final @Nullable String safetyIdentifier;
  private final @Nullable Integer topLogprobs;
  private final boolean logprobs;
  private final @Nullable String serviceTier;
  private final List<Tool> tools;
  private final @Nullable ToolChoice toolChoice;
  private final @Nullable Boolean parallelToolCalls;
  private final boolean attributeExtraction;

  private LlmRequest(Builder<T> b) {
    this.messages = List.copyOf(b.messages);
    this.responseType = b.responseType;
    this.schemaName = b.schemaName;
    this.schemaJson = b.schemaJson;
    this.maxTokens = b.maxTokens;
    this.modelSize = b.modelSize;
    this.model = b.model;
    this.groupId = b.groupId;
    this.promptName = b.promptName;
    this.temperature = b.temperature;
    this.topP = b.topP;
    this.seed = b.seed;
    this.stop = List.copyOf(b.stop);
    this.presencePenalty = b.presencePenalty;
    this.frequencyPenalty = b.frequencyPenalty;
    this.reasoningEffort = b.reasoningEffort;
    this.verbosity = b.verbosity;
    this.user = b.user;
    this.safetyIdentifier = b.safetyIdentifier;
    this.logprobs = b.logprobs;
    this.topLogprobs = b.topLogprobs;
    this.serviceTier = b.serviceTier;
    this.tools = List.copyOf(b.tools);
    this.toolChoice = b.toolChoice;
    this.parallelToolCalls = b.parallelToolCalls;
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
    b.model = model;
    b.groupId = groupId;
    b.promptName = promptName;
    b.temperature = temperature;
    b.topP = topP;
    b.seed = seed;
    b.stop.addAll(stop);
    b.presencePenalty = presencePenalty;
    b.frequencyPenalty = frequencyPenalty;
    b.reasoningEffort = reasoningEffort;
    b.verbosity = verbosity;
    b.user = user;
    b.safetyIdentifier = safetyIdentifier;
    b.logprobs = logprobs;
    b.topLogprobs = topLogprobs;
    b.serviceTier = serviceTier;
    b.tools.addAll(tools);
    b.toolChoice = toolChoice;
    b.parallelToolCalls = parallelToolCalls;
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
   * The Java type the answer is mapped to: {@code String} for a text answer (no response format is
   * sent), any other type's JSON schema is sent as a strict {@code json_schema} response format.
   * Null when the request gives an explicit schema or wants any JSON object.
   *
   * @return the type, or null
   */
  public @Nullable Class<?> responseType() {
    return responseType;
  }

  /**
   * Whether the answer is plain text ({@code responseType(String.class)}).
   *
   * @return true for a text answer
   */
  public boolean isText() {
    return responseType == String.class;
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
   * Which configured model the call goes to, unless {@link #model()} names one.
   *
   * @return the size; {@link ModelSize#MEDIUM} unless set
   */
  public ModelSize modelSize() {
    return modelSize;
  }

  /**
   * The model (on Azure, the deployment) for this call only, over {@link #modelSize()}.
   *
   * @return the name, or null for the configured model of the size
   */
  public @Nullable String model() {
    return model;
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
   * Nucleus sampling ({@code top_p}) for this call.
   *
   * @return a value in (0, 1], or null to leave it to the service
   */
  public @Nullable Double topP() {
    return topP;
  }

  /**
   * A seed for best-effort reproducible sampling ({@code seed}).
   *
   * @return the seed, or null
   */
  public @Nullable Long seed() {
    return seed;
  }

  /**
   * Sequences at which the model stops writing ({@code stop}).
   *
   * @return at most {@value #MAX_STOP_SEQUENCES} sequences; empty when none
   */
  public List<String> stop() {
    return stop;
  }

  /**
   * {@code presence_penalty}: positive values favour new topics.
   *
   * @return a value in [-2, 2], or null
   */
  public @Nullable Double presencePenalty() {
    return presencePenalty;
  }

  /**
   * {@code frequency_penalty}: positive values discourage repetition.
   *
   * @return a value in [-2, 2], or null
   */
  public @Nullable Double frequencyPenalty() {
    return frequencyPenalty;
  }

  /**
   * {@code reasoning_effort} for this call ({@code none}, {@code minimal}, {@code low}, {@code
   * medium}, {@code high}, ...), over the client's setting; sent only to reasoning models.
   *
   * @return the effort, or null for the client's setting
   */
  public @Nullable String reasoningEffort() {
    return reasoningEffort;
  }

  /**
   * {@code verbosity} for this call ({@code low}, {@code medium}, {@code high}), over the client's
   * setting; sent only to models that take it.
   *
   * @return the verbosity, or null for the client's setting
   */
  public @Nullable String verbosity() {
    return verbosity;
  }

  /**
   * An end-user id for abuse monitoring ({@code user}).
   *
   * @return the id, or null
   */
  public @Nullable String user() {
    return user;
  }

  /**
   * A stable, hashed id of the end user for OpenAI's safety systems ({@code safety_identifier}).
   *
   * @return the id, or null
   */
  public @Nullable String safetyIdentifier() {
    return safetyIdentifier;
  }

  /**
   * Whether the answer's token log probabilities are requested ({@code logprobs}).
   *
   * @return true when requested
   */
  public boolean logprobs() {
    return logprobs;
  }

  /**
   * How many most likely alternatives to return per token ({@code top_logprobs}); needs {@link
   * #logprobs()}.
   *
   * @return 0 to 20, or null
   */
  public @Nullable Integer topLogprobs() {
    return topLogprobs;
  }

  /**
   * The service tier for this call ({@code service_tier}: {@code auto}, {@code default}, {@code
   * flex}, {@code priority}, ...).
   *
   * @return the tier, or null
   */
  public @Nullable String serviceTier() {
    return serviceTier;
  }

  /**
   * The tools the model may call.
   *
   * @return an unmodifiable list; empty when none
   */
  public List<Tool> tools() {
    return tools;
  }

  /**
   * Whether and which tool the model must call.
   *
   * @return the choice, or null to leave it to the service ({@code auto} when tools are given)
   */
  public @Nullable ToolChoice toolChoice() {
    return toolChoice;
  }

  /**
   * Whether the model may call several tools in one answer ({@code parallel_tool_calls}).
   *
   * @return the setting, or null to leave it to the service (which allows it)
   */
  public @Nullable Boolean parallelToolCalls() {
    return parallelToolCalls;
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
    StringBuilder s =
        new StringBuilder("LlmRequest[messages=")
            .append(messages.size())
            .append(", responseType=")
            .append(responseType == null ? null : responseType.getName())
            .append(", schemaName=")
            .append(schemaName)
            .append(", maxTokens=")
            .append(maxTokens)
            .append(", modelSize=")
            .append(modelSize.value())
            .append(", promptName=")
            .append(promptName)
            .append(", temperature=")
            .append(temperature);
    append(s, "model", model);
    append(s, "topP", topP);
    append(s, "seed", seed);
    if (!stop.isEmpty()) {
      s.append(", stop=<").append(stop.size()).append(" sequences>");
    }
    append(s, "presencePenalty", presencePenalty);
    append(s, "frequencyPenalty", frequencyPenalty);
    append(s, "reasoningEffort", reasoningEffort);
    append(s, "verbosity", verbosity);
    append(s, "serviceTier", serviceTier);
    if (logprobs) {
      s.append(", logprobs=true");
    }
    append(s, "topLogprobs", topLogprobs);
    if (!tools.isEmpty()) {
      s.append(", tools=").append(tools.stream().map(Tool::name).toList());
    }
    append(s, "toolChoice", toolChoice);
    append(s, "parallelToolCalls", parallelToolCalls);
    return s.append(']').toString();
  }

  private static void append(StringBuilder s, String name, @Nullable Object value) {
    if (value != null) {
      s.append(", ").append(name).append('=').append(value);
    }
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
    private @Nullable String model;
    private @Nullable String groupId;
    private @Nullable String promptName;
    private @Nullable Double temperature;
    private @Nullable Double topP;
    private @Nullable Long seed;
    private final List<String> stop = new ArrayList<>();
    private @Nullable Double presencePenalty;
    private @Nullable Double frequencyPenalty;
    private @Nullable String reasoningEffort;
    private @Nullable String verbosity;
    private @Nullable String user;
    private @Nullable String safetyIdentifier;
    private boolean logprobs;
    private @Nullable Integer topLogprobs;
    private @Nullable String serviceTier;
    private final List<Tool> tools = new ArrayList<>();
    private @Nullable ToolChoice toolChoice;
    private @Nullable Boolean parallelToolCalls;
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
     * The type to map the answer to: {@code String.class} for the assistant's text, or a record,
     * class or enum-holding type for a structured answer with a strict JSON schema.
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
     * The model (on Azure, the deployment) for this call only, over the model size.
     *
     * @param model the name, or null for the configured model
     * @return this builder
     */
    public Builder<T> model(@Nullable String model) {
      this.model = model;
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
     * Nucleus sampling ({@code top_p}).
     *
     * @param topP greater than 0 and at most 1, or null
     * @return this builder
     */
    public Builder<T> topP(@Nullable Double topP) {
      this.topP = topP;
      return this;
    }

    /**
     * A seed for best-effort reproducible sampling.
     *
     * @param seed the seed, or null
     * @return this builder
     */
    public Builder<T> seed(@Nullable Long seed) {
      this.seed = seed;
      return this;
    }

    /**
     * Sequences at which the model stops writing.
     *
     * @param stop at most {@value #MAX_STOP_SEQUENCES} non-empty sequences; an empty list for none
     * @return this builder
     */
    public Builder<T> stop(List<String> stop) {
      Objects.requireNonNull(stop, "stop");
      this.stop.clear();
      for (String s : stop) {
        this.stop.add(Objects.requireNonNull(s, "stop must not contain null"));
      }
      return this;
    }

    /**
     * {@code presence_penalty}.
     *
     * @param penalty -2.0 to 2.0, or null
     * @return this builder
     */
    public Builder<T> presencePenalty(@Nullable Double penalty) {
      this.presencePenalty = penalty;
      return this;
    }

    /**
     * {@code frequency_penalty}.
     *
     * @param penalty -2.0 to 2.0, or null
     * @return this builder
     */
    public Builder<T> frequencyPenalty(@Nullable Double penalty) {
      this.frequencyPenalty = penalty;
      return this;
    }

    /**
     * {@code reasoning_effort} for this call, over the client's setting.
     *
     * @param effort {@code none}, {@code minimal}, {@code low}, {@code medium}, {@code high}, ...,
     *     or null
     * @return this builder
     */
    public Builder<T> reasoningEffort(@Nullable String effort) {
      this.reasoningEffort = effort;
      return this;
    }

    /**
     * {@code verbosity} for this call, over the client's setting.
     *
     * @param verbosity {@code low}, {@code medium} or {@code high}, or null
     * @return this builder
     */
    public Builder<T> verbosity(@Nullable String verbosity) {
      this.verbosity = verbosity;
      return this;
    }

    /**
     * An end-user id for abuse monitoring ({@code user}).
     *
     * @param user the id, or null
     * @return this builder
     */
    public Builder<T> user(@Nullable String user) {
      this.user = user;
      return this;
    }

    /**
     * A stable, hashed end-user id for OpenAI's safety systems ({@code safety_identifier}).
     *
     * @param safetyIdentifier the id, or null
     * @return this builder
     */
    public Builder<T> safetyIdentifier(@Nullable String safetyIdentifier) {
      this.safetyIdentifier = safetyIdentifier;
      return this;
    }

    /**
     * Requests the answer's token log probabilities.
     *
     * @param logprobs true to request them
     * @return this builder
     */
    public Builder<T> logprobs(boolean logprobs) {
      this.logprobs = logprobs;
      return this;
    }

    /**
     * How many most likely alternatives to return per token; turns {@link #logprobs(boolean)} on.
     *
     * @param topLogprobs 0 to 20, or null
     * @return this builder
     */
    public Builder<T> topLogprobs(@Nullable Integer topLogprobs) {
      this.topLogprobs = topLogprobs;
      if (topLogprobs != null) {
        this.logprobs = true;
      }
      return this;
    }

    /**
     * The service tier for this call.
     *
     * @param serviceTier {@code auto}, {@code default}, {@code flex}, {@code priority}, ..., or
     *     null
     * @return this builder
     */
    public Builder<T> serviceTier(@Nullable String serviceTier) {
      this.serviceTier = serviceTier;
      return this;
    }

    /**
     * The tools the model may call; replaces earlier ones.
     *
     * @param tools the tools, with distinct names
     * @return this builder
     */
    public Builder<T> tools(List<Tool> tools) {
      Objects.requireNonNull(tools, "tools");
      this.tools.clear();
      for (Tool t : tools) {
        this.tools.add(Objects.requireNonNull(t, "tools must not contain null"));
      }
      return this;
    }

    /**
     * Whether and which tool the model must call.
     *
     * @param toolChoice the choice, or null to leave it to the service
     * @return this builder
     */
    public Builder<T> toolChoice(@Nullable ToolChoice toolChoice) {
      this.toolChoice = toolChoice;
      return this;
    }

    /**
     * Whether the model may call several tools in one answer.
     *
     * @param parallelToolCalls the setting, or null to leave it to the service
     * @return this builder
     */
    public Builder<T> parallelToolCalls(@Nullable Boolean parallelToolCalls) {
      this.parallelToolCalls = parallelToolCalls;
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
      LlmRequest<T> request = new LlmRequest<>(this);
      RequestChecks.check(request);
      return request;
    }
  }
}
