package dev.llmclient.testkit.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Checks a chat-completions body as the services do (messages, roles, sampling and token
 * parameters, {@code response_format}) and answers their exact 400s; on success, hands the chat
 * endpoint the message texts and the requested format.
 */
final class ChatRequestCheck {

  private static final Set<String> ROLES =
      Set.of("system", "developer", "user", "assistant", "tool", "function");

  /** A checked request: the error to answer, or the message texts and the requested format. */
  record Checked(
      @Nullable Reply error, List<String> contents, String formatType, @Nullable JsonNode schema) {

    static Checked failed(Reply error) {
      return new Checked(error, List.of(), "", null);
    }
  }

  private ChatRequestCheck() {}

  static Checked check(JsonNode req, Deployment d, boolean requireJsonWord) {
    JsonNode messages = req.get("messages");
    if (messages == null || messages.isNull()) {
      return failed(
          WireErrors.invalidRequest("'messages' is a required property", "messages", null));
    }
    if (!messages.isArray()) {
      return failed(
          WireErrors.invalidRequest(
              "Invalid type for 'messages': expected an array, but got "
                  + messages.getNodeType().name().toLowerCase(Locale.ROOT)
                  + " instead.",
              "messages",
              "invalid_type"));
    }
    if (messages.isEmpty()) {
      return failed(
          WireErrors.invalidRequest(
              "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an"
                  + " empty array instead.",
              "messages",
              "empty_array"));
    }
    List<String> contents = new ArrayList<>();
    for (int i = 0; i < messages.size(); i++) {
      JsonNode m = messages.get(i);
      String role = m.path("role").asText("");
      if (!ROLES.contains(role)) {
        return failed(
            WireErrors.invalidRequest(
                "Invalid value: '"
                    + role
                    + "'. Supported values are: 'system', 'assistant', 'user', 'function', 'tool',"
                    + " and 'developer'.",
                "messages[" + i + "].role",
                "invalid_value"));
      }
      contents.add(contentText(m.path("content")));
    }
    Reply invalid = parameters(req, d);
    if (invalid != null) {
      return Checked.failed(invalid);
    }
    JsonNode format = req.path("response_format");
    String formatType = format.path("type").asText("text");
    JsonNode schema = null;
    switch (formatType) {
      case "text" -> {
        // nothing to check
      }
      case "json_object" -> {
        if (requireJsonWord
            && contents.stream().noneMatch(c -> c.toLowerCase(Locale.ROOT).contains("json"))) {
          return failed(
              WireErrors.invalidRequest(
                  "'messages' must contain the word 'json' in some form, to use 'response_format'"
                      + " of type 'json_object'.",
                  "messages",
                  null));
        }
      }
      case "json_schema" -> {
        JsonNode js = format.get("json_schema");
        if (js == null || !js.isObject()) {
          return failed(
              WireErrors.invalidRequest(
                  "Missing required parameter: 'response_format.json_schema'.",
                  "response_format.json_schema",
                  "missing_required_parameter"));
        }
        String schemaName = js.path("name").asText("");
        if (!schemaName.matches("[A-Za-z0-9_-]{1,64}")) {
          return failed(
              WireErrors.invalidRequest(
                  "Invalid 'response_format.json_schema.name': string does not match pattern."
                      + " Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$'.",
                  "response_format.json_schema.name",
                  "invalid_value"));
        }
        schema = js.get("schema");
        if (schema == null || !schema.isObject()) {
          return failed(
              WireErrors.invalidRequest(
                  "Invalid schema for response_format '"
                      + schemaName
                      + "': schema must be a JSON"
                      + " Schema of 'type: \"object\"', got 'type: \"None\"'.",
                  "response_format",
                  "invalid_json_schema"));
        }
        if (js.path("strict").asBoolean(false)) {
          String problem = StrictSchemaCheck.problem(schema);
          if (problem != null) {
            return failed(
                WireErrors.invalidRequest(
                    "Invalid schema for response_format '" + schemaName + "': " + problem,
                    "response_format",
                    "invalid_json_schema"));
          }
        }
      }
      default -> {
        return failed(
            WireErrors.invalidRequest(
                "Invalid value: '"
                    + formatType
                    + "'. Supported values are: 'json_object', 'json_schema', and 'text'.",
                "response_format.type",
                "invalid_value"));
      }
    }
    return new Checked(null, contents, formatType, schema);
  }

  private static Checked failed(ObjectNode body) {
    return Checked.failed(Reply.error(400, body));
  }

  private static @Nullable Reply parameters(JsonNode req, Deployment d) {
    JsonNode t = req.get("temperature");
    if (t != null && !t.isNull()) {
      if (!t.isNumber()) {
        return Reply.error(
            400,
            WireErrors.invalidRequest(
                "Invalid type for 'temperature': expected a decimal, but got a "
                    + t.getNodeType().name().toLowerCase(Locale.ROOT)
                    + " instead.",
                "temperature",
                "invalid_type"));
      }
      double v = t.asDouble();
      if (v > 2) {
        return Reply.error(
            400,
            WireErrors.invalidRequest(
                "Invalid 'temperature': decimal above maximum value. Expected a value <= 2, but got "
                    + v
                    + " instead.",
                "temperature",
                "decimal_above_max_value"));
      }
      if (v < 0) {
        return Reply.error(
            400,
            WireErrors.invalidRequest(
                "Invalid 'temperature': decimal below minimum value. Expected a value >= 0, but got "
                    + v
                    + " instead.",
                "temperature",
                "decimal_below_min_value"));
      }
      if (d.reasoning() && v != 1) {
        return Reply.error(
            400,
            WireErrors.invalidRequest(
                "Unsupported value: 'temperature' does not support "
                    + v
                    + " with this model. Only the default (1) value is supported.",
                "temperature",
                "unsupported_value"));
      }
    }
    for (String name : new String[] {"max_tokens", "max_completion_tokens"}) {
      JsonNode m = req.get(name);
      if (m == null || m.isNull()) {
        continue;
      }
      if (!m.isIntegralNumber()) {
        return Reply.error(
            400,
            WireErrors.invalidRequest(
                "Invalid type for '" + name + "': expected an integer.", name, "invalid_type"));
      }
      if (m.asLong() < 1) {
        return Reply.error(
            400,
            WireErrors.invalidRequest(
                "Invalid '"
                    + name
                    + "': integer below minimum value. Expected a value >= 1, but got "
                    + m.asLong()
                    + " instead.",
                name,
                "integer_below_min_value"));
      }
      if (d.reasoning() && name.equals("max_tokens")) {
        return Reply.error(
            400,
            WireErrors.invalidRequest(
                "Unsupported parameter: 'max_tokens' is not supported with this model. Use"
                    + " 'max_completion_tokens' instead.",
                "max_tokens",
                "unsupported_parameter"));
      }
    }
    if (req.has("reasoning_effort") && !d.reasoning()) {
      return Reply.error(
          400,
          WireErrors.invalidRequest(
              "Unrecognized request argument supplied: reasoning_effort",
              "reasoning_effort",
              "unsupported_parameter"));
    }
    return null;
  }

  /** The text of a message's content: a string, or the text parts of an array joined by lines. */
  static String contentText(JsonNode content) {
    if (content.isTextual()) {
      return content.asText();
    }
    if (content.isArray()) {
      StringBuilder sb = new StringBuilder();
      for (JsonNode part : content) {
        if (part.has("text")) {
          if (sb.length() > 0) {
            sb.append('\n');
          }
          sb.append(part.get("text").asText());
        }
      }
      return sb.toString();
    }
    return "";
  }
}
