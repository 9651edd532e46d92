package dev.llmclient.core.internal.chat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.llmclient.api.ToolCall;
import dev.llmclient.core.internal.runtime.Json;
import dev.llmclient.core.internal.schema.ResponseSchema;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Checks the model's tool calls against the tools offered and binds their arguments: each names an
 * offered tool, its arguments are a JSON object valid against the tool's strict schema, and they
 * map to the tool's parameter type (a map for a tool with an explicit schema).
 */
final class ToolCallBinder {

  /**
   * The calls with bound arguments, or the first problem found and that call's raw arguments.
   *
   * @param calls the bound calls when there is no problem
   * @param problem what is wrong, for the re-ask; null when all calls are good
   * @param arguments the raw arguments of the call with the problem
   */
  record Bound(List<ToolCall> calls, @Nullable String problem, String arguments) {}

  private ToolCallBinder() {}

  static Bound bind(List<ToolCall> calls, Map<String, ResponseSchema> schemas) {
    List<ToolCall> bound = new ArrayList<>(calls.size());
    for (ToolCall call : calls) {
      String args = call.argumentsJson();
      ResponseSchema schema = schemas.get(call.name());
      if (schema == null) {
        return problem(
            "the reply calls tool '"
                + call.name()
                + "', which is not one of the tools offered "
                + schemas.keySet(),
            args);
      }
      String what = "the arguments of the call of tool '" + call.name() + "'";
      JsonNode node;
      try {
        node = Json.MAPPER.readTree(args.isBlank() ? "{}" : args);
      } catch (JsonProcessingException e) {
        return problem(what + " are not valid JSON: " + e.getOriginalMessage(), args);
      }
      if (!node.isObject()) {
        return problem(what + " must be a JSON object", args);
      }
      List<String> errors = schema.validate(node);
      if (!errors.isEmpty()) {
        return problem(
            what + " do not match the tool's schema: " + String.join("; ", errors), args);
      }
      Object value;
      try {
        value = schema.reader != null ? schema.reader.readValue(node) : Json.toMap(node);
      } catch (IOException | IllegalArgumentException e) {
        String detail =
            e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
        return problem(what + " could not be mapped: " + detail, args);
      }
      bound.add(new ToolCall(call.id(), call.name(), args, value));
    }
    return new Bound(bound, null, "");
  }

  private static Bound problem(String detail, String arguments) {
    return new Bound(List.of(), detail, arguments);
  }
}
