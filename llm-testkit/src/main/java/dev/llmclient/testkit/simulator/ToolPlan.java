package dev.llmclient.testkit.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.jspecify.annotations.Nullable;

/**
 * {@code tools}, {@code tool_choice} and {@code parallel_tool_calls}: checked as the services check
 * them, and the calls the simulated model makes, with arguments valid against each tool's schema.
 *
 * <p>The model calls tools when {@code tool_choice} is {@code required} or names a tool, and under
 * {@code auto} (or none given) when the conversation does not end with tool results; then it
 * answers. It calls the named tool, or every tool (at most three) when parallel calls are allowed,
 * or the first one.
 */
final class ToolPlan {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final int MAX_PARALLEL = 3;

  private ToolPlan() {}

  /** The 400 the services answer for a malformed tool setting, or null. */
  static @Nullable Reply check(JsonNode req) {
    JsonNode tools = req.get("tools");
    boolean hasTools = tools != null && !tools.isNull();
    if (hasTools) {
      if (!tools.isArray() || tools.isEmpty()) {
        return bad("Invalid 'tools': expected a non-empty array.", "tools", "invalid_value");
      }
      for (int i = 0; i < tools.size(); i++) {
        JsonNode tool = tools.get(i);
        String at = "tools[" + i + "]";
        if (!"function".equals(tool.path("type").asText())) {
          return bad(
              "Invalid value for '" + at + ".type': expected 'function'.",
              at + ".type",
              "invalid_value");
        }
        JsonNode function = tool.path("function");
        if (!function.path("name").asText("").matches("[A-Za-z0-9_-]{1,64}")) {
          return bad(
              "Invalid '" + at + ".function.name': string does not match pattern.",
              at + ".function.name",
              "invalid_value");
        }
        JsonNode parameters = function.get("parameters");
        if (parameters != null && !parameters.isObject()) {
          return bad(
              "Invalid '" + at + ".function.parameters': expected an object.",
              at + ".function.parameters",
              "invalid_type");
        }
        if (function.path("strict").asBoolean(false) && parameters != null) {
          String problem = StrictSchemaCheck.problem(parameters);
          if (problem != null) {
            return bad(
                "Invalid schema for function '" + function.get("name").asText() + "': " + problem,
                at + ".function.parameters",
                "invalid_function_parameters");
          }
        }
      }
    }
    JsonNode choice = req.get("tool_choice");
    if (choice != null && !choice.isNull()) {
      if (!hasTools) {
        return bad(
            "Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are"
                + " specified.",
            "tool_choice",
            null);
      }
      if (choice.isTextual()) {
        if (!List.of("none", "auto", "required").contains(choice.asText())) {
          return bad(
              "Invalid value: '"
                  + choice.asText()
                  + "'. Supported values are: 'none', 'auto', and 'required'.",
              "tool_choice",
              "invalid_value");
        }
      } else if (named(choice) == null || find(tools, named(choice)) == null) {
        return bad(
            "Invalid value for 'tool_choice': no function named '"
                + named(choice)
                + "' was specified in the 'tools' parameter.",
            "tool_choice",
            null);
      }
    }
    JsonNode parallel = req.get("parallel_tool_calls");
    if (parallel != null && !parallel.isNull() && !hasTools) {
      return bad(
          "Invalid value for 'parallel_tool_calls': 'parallel_tool_calls' is only allowed when"
              + " 'tools' are specified.",
          "parallel_tool_calls",
          null);
    }
    return null;
  }

  /**
   * The calls the model makes, as the {@code tool_calls} of an assistant message; null when it
   * answers instead.
   */
  static @Nullable ArrayNode calls(JsonNode req, Random rnd) {
    JsonNode tools = req.get("tools");
    if (tools == null || !tools.isArray() || tools.isEmpty()) {
      return null;
    }
    JsonNode choice = req.get("tool_choice");
    String mode = choice == null || choice.isNull() ? "auto" : choice.asText("named");
    if (choice != null && choice.isObject()) {
      mode = "named";
    }
    if (mode.equals("none")) {
      return null;
    }
    if (mode.equals("auto")) {
      JsonNode messages = req.path("messages");
      JsonNode last = messages.get(messages.size() - 1);
      if (last != null && "tool".equals(last.path("role").asText())) {
        return null;
      }
    }
    List<JsonNode> chosen = new ArrayList<>();
    if (mode.equals("named")) {
      chosen.add(find(tools, named(choice)));
    } else if (req.path("parallel_tool_calls").asBoolean(true)) {
      for (int i = 0; i < tools.size() && i < MAX_PARALLEL; i++) {
        chosen.add(tools.get(i));
      }
    } else {
      chosen.add(tools.get(0));
    }
    ArrayNode calls = NODES.arrayNode();
    for (JsonNode tool : chosen) {
      JsonNode function = tool.path("function");
      JsonNode parameters = function.get("parameters");
      String arguments =
          parameters == null || !parameters.isObject()
              ? "{}"
              : SchemaValueGenerator.generate(parameters, rnd.nextLong()).toString();
      ObjectNode call = calls.addObject();
      call.put("id", "call_" + Long.toUnsignedString(rnd.nextLong(), 36));
      call.put("type", "function");
      call.putObject("function")
          .put("name", function.path("name").asText())
          .put("arguments", arguments);
    }
    return calls;
  }

  private static @Nullable String named(JsonNode choice) {
    JsonNode name = choice.path("function").path("name");
    return name.isTextual() ? name.asText() : null;
  }

  private static @Nullable JsonNode find(JsonNode tools, @Nullable String name) {
    for (JsonNode tool : tools) {
      if (tool.path("function").path("name").asText().equals(name)) {
        return tool;
      }
    }
    return null;
  }

  private static Reply bad(String message, String param, @Nullable String code) {
    return Reply.error(400, WireErrors.invalidRequest(message, param, code));
  }
}
