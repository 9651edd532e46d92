package dev.llmclient.core.internal.runtime;

import dev.llmclient.api.ContentPart;
import dev.llmclient.api.Message;
import dev.llmclient.api.ToolCall;
import dev.llmclient.api.ToolChoice;
import dev.llmclient.api.spi.ChatCompletionRequest;
import dev.llmclient.api.spi.ResponseFormat;
import dev.llmclient.api.spi.ToolDefinition;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.jspecify.annotations.Nullable;

/**
 * The response-cache key: SHA-256 over provider, endpoint, model, the messages as sent (cleaned,
 * suffix applied, with their image parts and tool calls), the response format with its schema text,
 * temperature, max tokens, reasoning effort, verbosity, and every other wire setting that is set
 * (sampling, stop, penalties, user ids, logprobs, service tier, tools and tool choice). Every field
 * is length-prefixed, so no two different requests share an encoding.
 */
public final class CacheKey {

  private CacheKey() {}

  public static String of(
      String providerId, @Nullable URI endpoint, ChatCompletionRequest request) {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
    field(sha, "v1");
    field(sha, providerId);
    field(sha, endpoint == null ? null : endpoint.toString());
    field(sha, request.model());
    field(sha, Integer.toString(request.messages().size()));
    for (Message m : request.messages()) {
      field(sha, m.role().wireName());
      field(sha, m.content());
      // Parts, tool calls and tool-call ids are hashed only when present, so that the keys of
      // plain text conversations stay what they were.
      if (m.hasParts()) {
        named(sha, "parts", Integer.toString(m.parts().size()));
        for (ContentPart p : m.parts()) {
          part(sha, p);
        }
      }
      if (!m.toolCalls().isEmpty()) {
        named(sha, "tool_calls", Integer.toString(m.toolCalls().size()));
        for (ToolCall c : m.toolCalls()) {
          field(sha, c.id());
          field(sha, c.name());
          field(sha, c.argumentsJson());
        }
      }
      if (m.toolCallId() != null) {
        named(sha, "tool_call_id", m.toolCallId());
      }
    }
    ResponseFormat format = request.responseFormat();
    if (format instanceof ResponseFormat.JsonSchema s) {
      field(sha, "json_schema");
      field(sha, s.name());
      field(sha, s.schemaJson());
      field(sha, Boolean.toString(s.strict()));
    } else {
      field(sha, format == ResponseFormat.jsonObject() ? "json_object" : "text");
    }
    field(sha, request.temperature() == null ? null : request.temperature().toString());
    field(sha, request.maxOutputTokens() == null ? null : request.maxOutputTokens().toString());
    field(sha, request.reasoningEffort());
    field(sha, request.verbosity());
    // The wider settings follow as name-value pairs, each only when set: a request without them
    // keeps the key it had before they existed.
    named(sha, "user", request.user());
    named(sha, "safety_identifier", request.safetyIdentifier());
    named(sha, "seed", request.seed());
    named(sha, "top_p", request.topP());
    if (!request.stop().isEmpty()) {
      named(sha, "stop", Integer.toString(request.stop().size()));
      for (String stop : request.stop()) {
        field(sha, stop);
      }
    }
    named(sha, "presence_penalty", request.presencePenalty());
    named(sha, "frequency_penalty", request.frequencyPenalty());
    if (request.logprobs()) {
      named(sha, "logprobs", "true");
    }
    named(sha, "top_logprobs", request.topLogprobs());
    named(sha, "service_tier", request.serviceTier());
    if (!request.tools().isEmpty()) {
      named(sha, "tools", Integer.toString(request.tools().size()));
      for (ToolDefinition t : request.tools()) {
        field(sha, t.name());
        field(sha, t.description());
        field(sha, t.parametersSchemaJson());
        field(sha, Boolean.toString(t.strict()));
      }
    }
    ToolChoice choice = request.toolChoice();
    if (choice != null) {
      named(
          sha,
          "tool_choice",
          choice instanceof ToolChoice.Named n ? "function:" + n.toolName() : choice.toString());
    }
    named(sha, "parallel_tool_calls", request.parallelToolCalls());
    return HexFormat.of().formatHex(sha.digest());
  }

  private static void part(MessageDigest sha, ContentPart p) {
    if (p instanceof ContentPart.Text t) {
      field(sha, "text");
      field(sha, t.text());
    } else if (p instanceof ContentPart.ImageUrl u) {
      field(sha, "image_url");
      field(sha, u.url().toString());
      field(sha, u.detail().wireName());
    } else if (p instanceof ContentPart.ImageData d) {
      field(sha, "image_data");
      field(sha, d.mediaType());
      field(sha, d.detail().wireName());
      sha.update(d.buffer());
    }
  }

  /** Hashes a name and its value, only when the value is set. */
  private static void named(MessageDigest sha, String name, @Nullable Object value) {
    if (value != null) {
      field(sha, name);
      field(sha, value.toString());
    }
  }

  /** Hashes one field, length-prefixed, with a marker that tells null from empty. */
  public static void field(MessageDigest sha, @Nullable String value) {
    if (value == null) {
      sha.update((byte) 0);
      return;
    }
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    sha.update((byte) 1);
    sha.update(
        new byte[] {
          (byte) (bytes.length >>> 24),
          (byte) (bytes.length >>> 16),
          (byte) (bytes.length >>> 8),
          (byte) bytes.length
        });
    sha.update(bytes);
  }
}
