package dev.llmclient.openai;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.llmclient.api.Message;
import dev.llmclient.api.spi.ChatCompletionRequest;
import dev.llmclient.api.spi.EmbeddingRequest;
import dev.llmclient.api.spi.ResponseFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
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
    ByteArrayOutputStream out = new ByteArrayOutputStream(256 + estimate(request.messages()));
    try (JsonGenerator g = FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
      g.writeStartObject();
      if (modelInBody) {
        g.writeStringField("model", request.model());
      }
      g.writeArrayFieldStart("messages");
      for (Message m : request.messages()) {
        g.writeStartObject();
        g.writeStringField("role", m.role().wireName());
        g.writeStringField("content", m.content());
        g.writeEndObject();
      }
      g.writeEndArray();
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
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
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

  private static int estimate(List<Message> messages) {
    long chars = 0;
    for (Message m : messages) {
      chars += m.content().length() + 32;
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
      @JsonProperty("content_filter_results") @Nullable JsonNode contentFilterResults) {}

  /** The assistant message of a choice. */
  record MessageBody(
      @JsonProperty("content") @Nullable String content,
      @JsonProperty("refusal") @Nullable String refusal) {}

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
