package dev.llmclient.openai;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import dev.llmclient.api.StreamEvent;
import dev.llmclient.api.TokenLogprob;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Reads one streamed chat-completion chunk straight from the event's UTF-8 bytes with a streaming
 * parser: the fields a stream needs are bound as they pass, everything else is skipped, and a tree
 * is built only for the rare parts that are kept as trees (filter results, an error, log
 * probabilities). A stream reads one chunk per token, so this is the hottest code of a stream.
 */
final class ChunkReader {

  private ChunkReader() {}

  /**
   * One streamed chunk's JSON: the first choice's delta, its finish reason, filter results and log
   * probabilities, Azure's {@code prompt_filter_results}, the usage, and an {@code error} object
   * when the server reports a failure inside the stream.
   *
   * @param data the event's data
   * @param length how many bytes of {@code data} are the event
   * @return the parts the stream needs
   * @throws IOException when the data is not JSON or has the wrong shape
   */
  static Chunk read(byte[] data, int length) throws IOException {
    try (JsonParser p = Json.MAPPER.getFactory().createParser(data, 0, length)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new Json.WrongShapeException("expected a chunk object");
      }
      String id = null;
      String model = null;
      Choice choice = null;
      JsonNode promptFilter = null;
      Json.UsageBody usage = null;
      JsonNode error = null;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        switch (field) {
          case "id" -> id = text(p, value);
          case "model" -> model = text(p, value);
          case "choices" -> choice = firstChoice(p, value);
          case "usage" -> usage = value == JsonToken.VALUE_NULL ? null : Json.usage(p, value);
          case "prompt_filter_results" -> promptFilter = promptFilter(p, value);
          case "error" -> {
            JsonNode node = value == JsonToken.VALUE_NULL ? null : Json.MAPPER.readTree(p);
            error = node == null || node.isNull() ? null : node;
          }
          default -> p.skipChildren();
        }
      }
      if (error != null) {
        return new Chunk(
            null, null, null, null, List.of(), null, null, null, null, List.of(), error);
      }
      Choice c = choice == null ? new Choice() : choice;
      return new Chunk(
          id,
          model,
          c.content,
          c.refusal,
          c.toolCalls,
          c.finishReason,
          c.filter,
          promptFilter,
          usage,
          c.logprobs,
          null);
    }
  }

  /** The choice with index 0 (the first listed when none says), or null. */
  private static @Nullable Choice firstChoice(JsonParser p, JsonToken start) throws IOException {
    if (start == JsonToken.VALUE_NULL) {
      return null;
    }
    if (start != JsonToken.START_ARRAY) {
      throw new Json.WrongShapeException("expected an array of choices");
    }
    Choice first = null;
    JsonToken t;
    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
      if (t != JsonToken.START_OBJECT) {
        p.skipChildren();
        continue;
      }
      Choice c = choice(p);
      if (first == null && c.index == 0) {
        first = c;
      }
    }
    return first;
  }

  private static Choice choice(JsonParser p) throws IOException {
    Choice c = new Choice();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken value = p.nextToken();
      switch (field) {
        case "index" -> c.index = index(p, value);
        case "delta" -> delta(p, value, c);
        case "finish_reason" -> c.finishReason = text(p, value);
        case "content_filter_results" -> {
          JsonNode filter = value == JsonToken.VALUE_NULL ? null : Json.MAPPER.readTree(p);
          c.filter = filter == null || filter.isNull() || filter.isEmpty() ? null : filter;
        }
        case "logprobs" -> {
          JsonNode logprobs = value == JsonToken.VALUE_NULL ? null : Json.MAPPER.readTree(p);
          c.logprobs =
              logprobs == null || !logprobs.isObject() ? List.of() : Json.logprobs(logprobs);
        }
        default -> p.skipChildren();
      }
    }
    return c;
  }

  /** A choice's index; like the tree's {@code asInt(0)}: absent or not a number is 0. */
  private static int index(JsonParser p, JsonToken value) throws IOException {
    if (value == JsonToken.VALUE_NUMBER_INT || value == JsonToken.VALUE_NUMBER_FLOAT) {
      return p.getValueAsInt(0);
    }
    if (value == JsonToken.VALUE_STRING) {
      return p.getValueAsInt(0);
    }
    p.skipChildren();
    return 0;
  }

  private static void delta(JsonParser p, JsonToken start, Choice c) throws IOException {
    if (start != JsonToken.START_OBJECT) {
      p.skipChildren();
      return;
    }
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken value = p.nextToken();
      switch (field) {
        case "content" -> c.content = text(p, value);
        case "refusal" -> c.refusal = text(p, value);
        case "tool_calls" -> c.toolCalls = toolCalls(p, value);
        default -> p.skipChildren();
      }
    }
  }

  private static List<StreamEvent.ToolCallDelta> toolCalls(JsonParser p, JsonToken start)
      throws IOException {
    if (start != JsonToken.START_ARRAY) {
      p.skipChildren();
      return List.of();
    }
    List<StreamEvent.ToolCallDelta> calls = new ArrayList<>(1);
    JsonToken t;
    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
      if (t != JsonToken.START_OBJECT) {
        throw new Json.WrongShapeException("a streamed tool call needs a non-negative index");
      }
      int index = -1;
      String id = null;
      String name = null;
      String arguments = null;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        switch (field) {
          case "index" -> index = value == JsonToken.VALUE_NUMBER_INT ? intOr(p, -1) : -1;
          case "id" -> id = text(p, value);
          case "function" -> {
            if (value != JsonToken.START_OBJECT) {
              p.skipChildren();
              break;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
              String f = p.currentName();
              JsonToken v = p.nextToken();
              switch (f) {
                case "name" -> name = text(p, v);
                case "arguments" -> arguments = text(p, v);
                default -> p.skipChildren();
              }
            }
          }
          default -> p.skipChildren();
        }
      }
      if (index < 0) {
        throw new Json.WrongShapeException("a streamed tool call needs a non-negative index");
      }
      calls.add(new StreamEvent.ToolCallDelta(index, id, name, arguments == null ? "" : arguments));
    }
    return calls;
  }

  private static int intOr(JsonParser p, int fallback) throws IOException {
    long v = p.getLongValue();
    return v > Integer.MAX_VALUE || v < Integer.MIN_VALUE ? fallback : (int) v;
  }

  /** Azure's {@code prompt_filter_results}: the first entry's {@code content_filter_results}. */
  private static @Nullable JsonNode promptFilter(JsonParser p, JsonToken start) throws IOException {
    JsonNode prompt = Json.MAPPER.readTree(p);
    if (start != JsonToken.START_ARRAY || prompt == null || prompt.isEmpty()) {
      return null;
    }
    return prompt.get(0).get("content_filter_results");
  }

  /** A scalar as text (numbers and booleans as written); null, objects and arrays are null. */
  private static @Nullable String text(JsonParser p, JsonToken value) throws IOException {
    if (value == JsonToken.VALUE_NULL) {
      return null;
    }
    if (!value.isScalarValue()) {
      p.skipChildren();
      return null;
    }
    return p.getText();
  }

  /** The parts of one choice as they are read. */
  private static final class Choice {
    int index;
    @Nullable String content;
    @Nullable String refusal;
    List<StreamEvent.ToolCallDelta> toolCalls = List.of();
    @Nullable String finishReason;
    @Nullable JsonNode filter;
    List<TokenLogprob> logprobs = List.of();
  }

  /** One streamed chunk, as {@link #read} reads it. */
  record Chunk(
      @Nullable String id,
      @Nullable String model,
      @Nullable String content,
      @Nullable String refusal,
      List<StreamEvent.ToolCallDelta> toolCalls,
      @Nullable String finishReason,
      @Nullable JsonNode contentFilterResults,
      @Nullable JsonNode promptFilterResults,
      Json.@Nullable UsageBody usage,
      List<TokenLogprob> logprobs,
      @Nullable JsonNode error) {}
}
