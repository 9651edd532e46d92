package dev.llmclient.openai;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.llmclient.api.ContentPart;
import dev.llmclient.api.Message;
import dev.llmclient.api.TokenLogprob;
import dev.llmclient.api.ToolCall;
import dev.llmclient.api.ToolChoice;
import dev.llmclient.api.spi.ChatCompletionRequest;
import dev.llmclient.api.spi.EmbeddingRequest;
import dev.llmclient.api.spi.ResponseFormat;
import dev.llmclient.api.spi.ToolDefinition;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The one shared Jackson mapper, the request writers (streaming, schema text written raw) and the
 * response records.
 */
final class Json {

  /** Shared by every backend; thread-safe once configured. */
  static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .build();

  private static final JsonFactory FACTORY = MAPPER.getFactory();

  private Json() {}

  /**
   * Writes a chat-completions request body.
   *
   * @param request the request
   * @param modelInBody whether to write {@code model} (not on Azure's deployment route)
   * @param maxTokensField {@code max_completion_tokens} or {@code max_tokens}
   * @return the UTF-8 body
   */
  static byte[] chatBody(
      ChatCompletionRequest request, boolean modelInBody, String maxTokensField) {
    return chatBody(request, modelInBody, maxTokensField, false);
  }

  /**
   * Writes a chat-completions request body, streamed or not. Every optional setting is written only
   * when it is set; a text answer sends no {@code response_format}.
   *
   * @param request the request
   * @param modelInBody whether to write {@code model} (not on Azure's deployment route)
   * @param maxTokensField {@code max_completion_tokens} or {@code max_tokens}
   * @param stream whether to ask for server-sent events, with the usage on the last one
   * @return the UTF-8 body
   */
  static byte[] chatBody(
      ChatCompletionRequest request, boolean modelInBody, String maxTokensField, boolean stream) {
    BodyBytes out = new BodyBytes(estimate(request));
    try (JsonGenerator g = FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
      g.writeStartObject();
      if (modelInBody) {
        g.writeStringField("model", request.model());
      }
      g.writeArrayFieldStart("messages");
      for (Message m : request.messages()) {
        message(g, m);
      }
      g.writeEndArray();
      if (stream) {
        g.writeBooleanField("stream", true);
        g.writeObjectFieldStart("stream_options");
        g.writeBooleanField("include_usage", true);
        g.writeEndObject();
      }
      if (request.temperature() != null) {
        g.writeNumberField("temperature", request.temperature());
      }
      if (request.maxOutputTokens() != null) {
        g.writeNumberField(maxTokensField, request.maxOutputTokens());
      }
      ResponseFormat format = request.responseFormat();
      if (format instanceof ResponseFormat.JsonObject) {
        g.writeObjectFieldStart("response_format");
        g.writeStringField("type", "json_object");
        g.writeEndObject();
      } else if (format instanceof ResponseFormat.JsonSchema schema) {
        g.writeObjectFieldStart("response_format");
        g.writeStringField("type", "json_schema");
        g.writeObjectFieldStart("json_schema");
        g.writeStringField("name", schema.name());
        g.writeFieldName("schema");
        g.writeRawValue(schema.schemaJson());
        g.writeBooleanField("strict", schema.strict());
        g.writeEndObject();
        g.writeEndObject();
      }
      if (request.reasoningEffort() != null) {
        g.writeStringField("reasoning_effort", request.reasoningEffort());
      }
      if (request.verbosity() != null) {
        g.writeStringField("verbosity", request.verbosity());
      }
      if (request.user() != null) {
        g.writeStringField("user", request.user());
      }
      if (request.safetyIdentifier() != null) {
        g.writeStringField("safety_identifier", request.safetyIdentifier());
      }
      if (request.seed() != null) {
        g.writeNumberField("seed", request.seed());
      }
      if (request.topP() != null) {
        g.writeNumberField("top_p", request.topP());
      }
      if (!request.stop().isEmpty()) {
        g.writeArrayFieldStart("stop");
        for (String stop : request.stop()) {
          g.writeString(stop);
        }
        g.writeEndArray();
      }
      if (request.presencePenalty() != null) {
        g.writeNumberField("presence_penalty", request.presencePenalty());
      }
      if (request.frequencyPenalty() != null) {
        g.writeNumberField("frequency_penalty", request.frequencyPenalty());
      }
      if (request.logprobs()) {
        g.writeBooleanField("logprobs", true);
      }
      if (request.topLogprobs() != null) {
        g.writeNumberField("top_logprobs", request.topLogprobs());
      }
      if (request.serviceTier() != null) {
        g.writeStringField("service_tier", request.serviceTier());
      }
      if (!request.tools().isEmpty()) {
        g.writeArrayFieldStart("tools");
        for (ToolDefinition tool : request.tools()) {
          g.writeStartObject();
          g.writeStringField("type", "function");
          g.writeObjectFieldStart("function");
          g.writeStringField("name", tool.name());
          if (tool.description() != null) {
            g.writeStringField("description", tool.description());
          }
          g.writeFieldName("parameters");
          g.writeRawValue(tool.parametersSchemaJson());
          g.writeBooleanField("strict", tool.strict());
          g.writeEndObject();
          g.writeEndObject();
        }
        g.writeEndArray();
      }
      ToolChoice choice = request.toolChoice();
      if (choice instanceof ToolChoice.Named named) {
        g.writeObjectFieldStart("tool_choice");
        g.writeStringField("type", "function");
        g.writeObjectFieldStart("function");
        g.writeStringField("name", named.toolName());
        g.writeEndObject();
        g.writeEndObject();
      } else if (choice != null) {
        g.writeStringField("tool_choice", choice.toString());
      }
      if (request.parallelToolCalls() != null) {
        g.writeBooleanField("parallel_tool_calls", request.parallelToolCalls());
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /**
   * One message: plain content, content parts (text and images; image bytes as a base64 {@code
   * data:} URL), an assistant's tool calls, or a tool result with its call id.
   */
  private static void message(JsonGenerator g, Message m) throws IOException {
    g.writeStartObject();
    g.writeStringField("role", m.role().wireName());
    if (m.hasParts()) {
      g.writeArrayFieldStart("content");
      for (ContentPart part : m.parts()) {
        g.writeStartObject();
        if (part instanceof ContentPart.Text t) {
          g.writeStringField("type", "text");
          g.writeStringField("text", t.text());
        } else if (part instanceof ContentPart.ImageUrl u) {
          g.writeStringField("type", "image_url");
          g.writeObjectFieldStart("image_url");
          g.writeStringField("url", u.url().toString());
          g.writeStringField("detail", u.detail().wireName());
          g.writeEndObject();
        } else if (part instanceof ContentPart.ImageData d) {
          g.writeStringField("type", "image_url");
          g.writeObjectFieldStart("image_url");
          g.writeFieldName("url");
          g.writeString(dataUrl(d));
          g.writeStringField("detail", d.detail().wireName());
          g.writeEndObject();
        }
        g.writeEndObject();
      }
      g.writeEndArray();
    } else if (m.toolCalls().isEmpty() || !m.content().isEmpty()) {
      // Next to tool calls both specs make the content optional, and null is not valid on Azure's.
      g.writeStringField("content", m.content());
    }
    if (!m.toolCalls().isEmpty()) {
      g.writeArrayFieldStart("tool_calls");
      for (ToolCall call : m.toolCalls()) {
        g.writeStartObject();
        g.writeStringField("id", call.id());
        g.writeStringField("type", "function");
        g.writeObjectFieldStart("function");
        g.writeStringField("name", call.name());
        g.writeStringField("arguments", call.argumentsJson());
        g.writeEndObject();
        g.writeEndObject();
      }
      g.writeEndArray();
    }
    if (m.toolCallId() != null) {
      g.writeStringField("tool_call_id", m.toolCallId());
    }
    g.writeEndObject();
  }

  private static String dataUrl(ContentPart.ImageData d) {
    java.nio.ByteBuffer bytes = Base64.getEncoder().encode(d.buffer());
    String prefix = "data:" + d.mediaType() + ";base64,";
    StringBuilder url = new StringBuilder(prefix.length() + bytes.remaining()).append(prefix);
    while (bytes.hasRemaining()) {
      url.append((char) bytes.get());
    }
    return url.toString();
  }

  /**
   * Writes an embeddings request body, always asking for base64.
   *
   * @param request the request
   * @param modelInBody whether to write {@code model}
   * @return the UTF-8 body
   */
  static byte[] embeddingBody(EmbeddingRequest request, boolean modelInBody) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(128);
    try (JsonGenerator g = FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
      g.writeStartObject();
      if (modelInBody) {
        g.writeStringField("model", request.model());
      }
      g.writeArrayFieldStart("input");
      for (String input : request.inputs()) {
        g.writeString(input);
      }
      g.writeEndArray();
      g.writeStringField("encoding_format", "base64");
      if (request.dimensions() != null) {
        g.writeNumberField("dimensions", request.dimensions());
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /**
   * Reads a chat-completions response with a streaming parser: only the fields the backend uses are
   * bound, everything else is skipped, and no reflection runs on a cold start.
   *
   * @throws IOException when the body is not JSON or a field has the wrong shape
   */
  static ChatBody readChat(byte[] body) throws IOException {
    try (JsonParser p = FACTORY.createParser(body)) {
      expect(p.nextToken() == JsonToken.START_OBJECT, p, "a JSON object");
      @Nullable String id = null;
      @Nullable String model = null;
      @Nullable List<ChoiceBody> choices = null;
      @Nullable UsageBody usage = null;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        switch (field) {
          case "id" -> id = text(p, value);
          case "model" -> model = text(p, value);
          case "choices" -> choices = value == JsonToken.VALUE_NULL ? null : choices(p, value);
          case "usage" -> usage = value == JsonToken.VALUE_NULL ? null : usage(p, value);
          default -> p.skipChildren();
        }
      }
      return new ChatBody(id, model, choices, usage);
    }
  }

  private static List<ChoiceBody> choices(JsonParser p, JsonToken start) throws IOException {
    expect(start == JsonToken.START_ARRAY, p, "an array of choices");
    List<ChoiceBody> choices = new ArrayList<>(1);
    JsonToken t;
    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
      if (t == JsonToken.VALUE_NULL) {
        continue;
      }
      expect(t == JsonToken.START_OBJECT, p, "a choice object");
      int index = 0;
      @Nullable MessageBody message = null;
      @Nullable String finishReason = null;
      @Nullable JsonNode filterResults = null;
      List<TokenLogprob> logprobs = List.of();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        switch (field) {
          case "index" -> index = Math.toIntExact(number(p, value));
          case "message" -> message = value == JsonToken.VALUE_NULL ? null : message(p, value);
          case "finish_reason" -> finishReason = text(p, value);
          case "content_filter_results" ->
              filterResults = value == JsonToken.VALUE_NULL ? null : MAPPER.readTree(p);
          case "logprobs" ->
              logprobs = value == JsonToken.VALUE_NULL ? List.of() : logprobs(MAPPER.readTree(p));
          default -> p.skipChildren();
        }
      }
      choices.add(new ChoiceBody(index, message, finishReason, filterResults, logprobs));
    }
    return choices;
  }

  private static MessageBody message(JsonParser p, JsonToken start) throws IOException {
    expect(start == JsonToken.START_OBJECT, p, "a message object");
    @Nullable String content = null;
    @Nullable String refusal = null;
    List<ToolCall> toolCalls = List.of();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken value = p.nextToken();
      switch (field) {
        case "content" -> content = text(p, value);
        case "refusal" -> refusal = text(p, value);
        case "tool_calls" ->
            toolCalls = value == JsonToken.VALUE_NULL ? List.of() : toolCalls(MAPPER.readTree(p));
        default -> p.skipChildren();
      }
    }
    return new MessageBody(content, refusal, toolCalls);
  }

  /** A message's {@code tool_calls}: each needs an id, a function name and its arguments. */
  static List<ToolCall> toolCalls(JsonNode array) throws IOException {
    if (!array.isArray()) {
      throw new WrongShapeException("expected an array of tool calls, got " + array.getNodeType());
    }
    List<ToolCall> calls = new ArrayList<>(array.size());
    for (JsonNode call : array) {
      JsonNode function = call.path("function");
      JsonNode id = call.path("id");
      JsonNode name = function.path("name");
      JsonNode arguments = function.path("arguments");
      if (!id.isTextual() || !name.isTextual() || !arguments.isTextual()) {
        throw new WrongShapeException(
            "a tool call needs a string id, function.name and function.arguments");
      }
      calls.add(ToolCall.of(id.asText(), name.asText(), arguments.asText()));
    }
    return calls;
  }

  /** A choice's {@code logprobs.content}; null or absent content is no log probabilities. */
  static List<TokenLogprob> logprobs(JsonNode logprobs) throws IOException {
    JsonNode content = logprobs.path("content");
    if (content.isMissingNode() || content.isNull()) {
      return List.of();
    }
    if (!content.isArray()) {
      throw new WrongShapeException("expected logprobs.content to be an array");
    }
    List<TokenLogprob> tokens = new ArrayList<>(content.size());
    for (JsonNode token : content) {
      List<TokenLogprob> top = new ArrayList<>();
      for (JsonNode alternative : token.path("top_logprobs")) {
        top.add(tokenLogprob(alternative, List.of()));
      }
      tokens.add(tokenLogprob(token, top));
    }
    return tokens;
  }

  private static TokenLogprob tokenLogprob(JsonNode node, List<TokenLogprob> top)
      throws IOException {
    if (!node.path("token").isTextual() || !node.path("logprob").isNumber()) {
      throw new WrongShapeException("a token log probability needs a token and a logprob");
    }
    return new TokenLogprob(
        node.get("token").asText(), node.get("logprob").asDouble(), top, bytes(node.get("bytes")));
  }

  /** A token's {@code bytes}: null when absent or null, else every entry an int from 0 to 255. */
  private static @Nullable List<Integer> bytes(@Nullable JsonNode bytes) throws IOException {
    if (bytes == null || bytes.isNull()) {
      return null;
    }
    if (!bytes.isArray()) {
      throw new WrongShapeException("expected a token's bytes to be an array of integers");
    }
    List<Integer> out = new ArrayList<>(bytes.size());
    for (JsonNode b : bytes) {
      if (!b.isInt() || b.intValue() < 0 || b.intValue() > 255) {
        throw new WrongShapeException("a token's bytes must be integers from 0 to 255");
      }
      out.add(b.intValue());
    }
    return out;
  }

  static UsageBody usage(JsonParser p, JsonToken start) throws IOException {
    expect(start == JsonToken.START_OBJECT, p, "a usage object");
    long prompt = 0;
    long completion = 0;
    @Nullable PromptDetails promptDetails = null;
    @Nullable CompletionDetails completionDetails = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken value = p.nextToken();
      switch (field) {
        case "prompt_tokens" -> prompt = number(p, value);
        case "completion_tokens" -> completion = number(p, value);
        case "prompt_tokens_details" -> {
          long cached = detail(p, value, "cached_tokens");
          promptDetails = cached < 0 ? null : new PromptDetails(cached);
        }
        case "completion_tokens_details" -> {
          long reasoning = detail(p, value, "reasoning_tokens");
          completionDetails = reasoning < 0 ? null : new CompletionDetails(reasoning);
        }
        default -> p.skipChildren();
      }
    }
    return new UsageBody(prompt, completion, promptDetails, completionDetails);
  }

  /** One count of a details object; -1 when the object is null, 0 when the count is absent. */
  private static long detail(JsonParser p, JsonToken start, String name) throws IOException {
    if (start == JsonToken.VALUE_NULL) {
      return -1;
    }
    expect(start == JsonToken.START_OBJECT, p, "a details object");
    long count = 0;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken value = p.nextToken();
      if (field.equals(name)) {
        count = number(p, value);
      } else {
        p.skipChildren();
      }
    }
    return count;
  }

  /** A scalar as text (numbers and booleans as written, like Jackson's String binding). */
  private static @Nullable String text(JsonParser p, JsonToken value) throws IOException {
    if (value == JsonToken.VALUE_NULL) {
      return null;
    }
    expect(value.isScalarValue(), p, "a string");
    return p.getText();
  }

  /** An integral count; null is 0, as for a primitive, and a numeric string is accepted. */
  private static long number(JsonParser p, JsonToken value) throws IOException {
    if (value == JsonToken.VALUE_NULL) {
      return 0;
    }
    if (value == JsonToken.VALUE_NUMBER_INT) {
      return p.getLongValue();
    }
    if (value == JsonToken.VALUE_NUMBER_FLOAT) {
      double d = p.getDoubleValue();
      if (!(d >= Long.MIN_VALUE && d <= Long.MAX_VALUE)) { // also rejects NaN and infinities
        throw new WrongShapeException("number " + shown(p) + " is out of range of a count");
      }
      return (long) d;
    }
    if (value == JsonToken.VALUE_STRING) {
      try {
        return Long.parseLong(p.getText().trim());
      } catch (NumberFormatException e) {
        throw new WrongShapeException("expected a number, got \"" + shown(p) + "\"");
      }
    }
    throw new WrongShapeException("expected a number, got " + value);
  }

  private static void expect(boolean ok, JsonParser p, String what) throws IOException {
    if (!ok) {
      throw new WrongShapeException("expected " + what + ", got " + p.currentToken());
    }
  }

  /** The current token's text, cut short: it is the server's. */
  private static String shown(JsonParser p) throws IOException {
    String text = p.getText();
    return text.length() > 40 ? text.substring(0, 40) + "..." : text;
  }

  /**
   * Well-formed JSON whose shape is not what the API defines (as opposed to a {@link
   * com.fasterxml.jackson.core.JsonParseException}: text that is not JSON, or ends early).
   */
  static final class WrongShapeException extends IOException {
    private static final long serialVersionUID = 1L;

    WrongShapeException(String message) {
      super(message);
    }
  }

  /**
   * Collects a body from the generator, which buffers its output (in a buffer it recycles) and
   * writes it when full or at the end: a body shorter than that buffer arrives in one write and is
   * copied exactly once, with no intermediate buffer; a longer one grows to the estimate at once.
   */
  private static final class BodyBytes extends OutputStream {
    private static final byte[] EMPTY = new byte[0];
    private final int expected;
    private byte[] buf = EMPTY;
    private int count;

    BodyBytes(int expected) {
      this.expected = expected;
    }

    @Override
    public void write(int b) {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      Objects.checkFromIndexSize(off, len, b.length);
      if (count == 0) {
        buf = Arrays.copyOfRange(b, off, off + len);
        count = len;
        return;
      }
      if (len > buf.length - count) {
        long grown = Math.max(Math.max((long) buf.length * 2, (long) count + len), expected);
        if (grown > Integer.MAX_VALUE - 16) {
          throw new IllegalStateException("the request body is too large: over 2 GB");
        }
        buf = Arrays.copyOf(buf, (int) grown);
      }
      System.arraycopy(b, off, buf, count, len);
      count += len;
    }

    byte[] toByteArray() {
      return count == buf.length ? buf : Arrays.copyOf(buf, count);
    }
  }

  /**
   * About the body's size, so that its buffer is allocated once instead of grown and copied on the
   * way: the messages, the schema and the tools' schemas, and room for the other fields.
   */
  private static int estimate(ChatCompletionRequest request) {
    long chars = 256;
    if (request.responseFormat() instanceof ResponseFormat.JsonSchema schema) {
      chars += schema.schemaJson().length() + schema.name().length() + 64;
    }
    for (ToolDefinition tool : request.tools()) {
      chars += tool.parametersSchemaJson().length() + 128;
      chars += tool.description() == null ? 0 : tool.description().length();
    }
    for (Message m : request.messages()) {
      chars += m.content().length() + 32;
      for (ContentPart part : m.parts()) {
        if (part instanceof ContentPart.ImageData d) {
          chars += d.size() / 3L * 4 + 64;
        }
      }
    }
    return (int) Math.min(chars, 1 << 20);
  }

  /** The chat-completions response body. */
  record ChatBody(
      @JsonProperty("id") @Nullable String id,
      @JsonProperty("model") @Nullable String model,
      @JsonProperty("choices") @Nullable List<ChoiceBody> choices,
      @JsonProperty("usage") @Nullable UsageBody usage) {}

  /** One choice. */
  record ChoiceBody(
      @JsonProperty("index") int index,
      @JsonProperty("message") @Nullable MessageBody message,
      @JsonProperty("finish_reason") @Nullable String finishReason,
      @JsonProperty("content_filter_results") @Nullable JsonNode contentFilterResults,
      List<TokenLogprob> logprobs) {}

  /** The assistant message of a choice. */
  record MessageBody(
      @JsonProperty("content") @Nullable String content,
      @JsonProperty("refusal") @Nullable String refusal,
      List<ToolCall> toolCalls) {}

  /** Token usage; the detail objects are absent on older servers. */
  record UsageBody(
      @JsonProperty("prompt_tokens") long promptTokens,
      @JsonProperty("completion_tokens") long completionTokens,
      @JsonProperty("prompt_tokens_details") @Nullable PromptDetails promptTokensDetails,
      @JsonProperty("completion_tokens_details")
          @Nullable CompletionDetails completionTokensDetails) {}

  /** Cached prompt tokens. */
  record PromptDetails(@JsonProperty("cached_tokens") long cachedTokens) {}

  /** Reasoning tokens. */
  record CompletionDetails(@JsonProperty("reasoning_tokens") long reasoningTokens) {}

  /** The embeddings response body. */
  record EmbeddingsBody(
      @JsonProperty("data") @Nullable List<EmbeddingItem> data,
      @JsonProperty("model") @Nullable String model,
      @JsonProperty("usage") @Nullable EmbeddingUsage usage) {}

  /** One vector: a base64 string of little-endian float32, or a plain array of numbers. */
  record EmbeddingItem(
      @JsonProperty("index") @Nullable Integer index,
      @JsonProperty("embedding") @Nullable JsonNode embedding) {}

  /** Embedding usage. */
  record EmbeddingUsage(@JsonProperty("prompt_tokens") long promptTokens) {}
}
