package dev.llmclient.testkit.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * {@code /files} and {@code /batches} in the OpenAI and Azure shapes, on an accelerated clock: a
 * batch is {@code validating}, {@code in_progress}, {@code finalizing} and {@code completed} within
 * about a second. Each input line is answered by the chat endpoint (so scripts, triggers, schemas
 * and faults apply; a fault on {@link Route#BATCH_REQUEST} or on every route puts the line in the
 * error file). Lines are run as the clock passes through {@code in_progress}, so an expired or
 * cancelled batch keeps what finished.
 *
 * <p>Test controls, in the batch's {@code metadata}: {@code simulator.phase_ms} (length of each
 * phase, default {@value #DEFAULT_PHASE_MILLIS}), {@code simulator.outcome} = {@code expire} (the
 * window runs out halfway through), {@code invalid} (validation fails) or {@code token_limit} (the
 * enqueued-token quota refuses it, code {@code token_limit_exceeded}).
 */
final class BatchEndpoints {

  static final long DEFAULT_PHASE_MILLIS = 200;
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final int MAX_LINES = 100_000;

  private final SimulatorConfig config;
  private final DeploymentRegistry deployments;
  private final FaultInjector faults;
  private final ChatEndpoint chat;
  private final Map<String, StoredFile> files = new LinkedHashMap<>();
  private final Map<String, SimBatch> batches = new LinkedHashMap<>();
  private final AtomicLong ids = new AtomicLong();

  private record StoredFile(
      String id, String filename, String purpose, byte[] bytes, long created) {}

  /** One batch: its lines, and the results of the lines run so far. */
  private final class SimBatch {
    final String id;
    final String inputFileId;
    final String endpoint;
    final ApiStyle style;
    final String apiVersion;
    final long createdMillis;
    final long phase;
    final @Nullable String outcome;
    final Map<String, String> metadata;
    final List<JsonNode> lines;
    final List<ObjectNode> errors;
    final ByteArrayOutputStream output = new ByteArrayOutputStream();
    final ByteArrayOutputStream errorLines = new ByteArrayOutputStream();
    int run;
    int completed;
    int failed;
    long cancelAt = -1;
    @Nullable String finalStatus;
    @Nullable String outputFileId;
    @Nullable String errorFileId;

    SimBatch(
        String id,
        String inputFileId,
        String endpoint,
        ApiStyle style,
        String apiVersion,
        Map<String, String> metadata,
        List<JsonNode> lines,
        List<ObjectNode> errors) {
      this.id = id;
      this.inputFileId = inputFileId;
      this.endpoint = endpoint;
      this.style = style;
      this.apiVersion = apiVersion;
      this.createdMillis = config.clock().millis();
      this.metadata = metadata;
      long p = DEFAULT_PHASE_MILLIS;
      try {
        p = Long.parseLong(metadata.getOrDefault("simulator.phase_ms", "" + DEFAULT_PHASE_MILLIS));
      } catch (NumberFormatException e) {
        p = DEFAULT_PHASE_MILLIS;
      }
      this.phase = Math.max(1, p);
      this.outcome = metadata.get("simulator.outcome");
      this.lines = lines;
      this.errors = errors;
    }
  }

  BatchEndpoints(
      SimulatorConfig config,
      DeploymentRegistry deployments,
      FaultInjector faults,
      ChatEndpoint chat) {
    this.config = config;
    this.deployments = deployments;
    this.faults = faults;
    this.chat = chat;
  }

  synchronized void reset() {
    files.clear();
    batches.clear();
  }

  /** Answers a request under {@code /files} or {@code /batches}; {@code op} starts with either. */
  synchronized Reply handle(
      String method,
      String op,
      String query,
      Map<String, String> headers,
      byte[] body,
      @Nullable JsonNode json,
      ApiStyle style,
      String apiVersion) {
    String[] parts = op.substring(1).split("/");
    if (parts[0].equals("files")) {
      if (parts.length == 1 && method.equals("POST")) {
        return upload(headers.get("content-type"), body, style);
      }
      if (parts.length == 1 && method.equals("GET")) {
        ArrayNode data = NODES.arrayNode();
        files.values().forEach(f -> data.add(fileObject(f, style)));
        return Reply.json(200, list(data, false));
      }
      StoredFile f = parts.length >= 2 ? files.get(parts[1]) : null;
      if (f == null) {
        return notFound(style, "File", parts.length >= 2 ? parts[1] : "");
      }
      if (parts.length == 2 && method.equals("GET")) {
        return Reply.json(200, fileObject(f, style));
      }
      if (parts.length == 2 && method.equals("DELETE")) {
        files.remove(f.id());
        ObjectNode deleted = NODES.objectNode().put("id", f.id()).put("object", "file");
        return Reply.json(200, deleted.put("deleted", true));
      }
      if (parts.length == 3 && parts[2].equals("content") && method.equals("GET")) {
        return Reply.bytes(200, "application/octet-stream", f.bytes());
      }
      return notAllowed(method, op, style);
    }
    if (parts.length == 1 && method.equals("POST")) {
      return create(json, style, apiVersion);
    }
    if (parts.length == 1 && method.equals("GET")) {
      return listBatches(query);
    }
    SimBatch b = parts.length >= 2 ? batches.get(parts[1]) : null;
    if (b == null) {
      return notFound(style, "Batch", parts.length >= 2 ? parts[1] : "");
    }
    if (parts.length == 2 && method.equals("GET")) {
      return Reply.json(200, batchObject(b));
    }
    if (parts.length == 3 && parts[2].equals("cancel") && method.equals("POST")) {
      advance(b);
      if (b.finalStatus == null && b.cancelAt < 0) {
        b.cancelAt = config.clock().millis();
      }
      return Reply.json(200, batchObject(b));
    }
    return notAllowed(method, op, style);
  }

  // ---- files --------------------------------------------------------------------------------

  private Reply upload(@Nullable String contentType, byte[] body, ApiStyle style) {
    String boundary = null;
    if (contentType != null) {
      for (String p : contentType.split(";")) {
        String t = p.trim();
        if (t.toLowerCase(Locale.ROOT).startsWith("boundary=")) {
          boundary = t.substring("boundary=".length()).replace("\"", "");
        }
      }
    }
    if (contentType == null
        || !contentType.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")
        || boundary == null) {
      return invalid(style, "The request must be multipart/form-data with a boundary.", null);
    }
    Map<String, byte[]> fields = new LinkedHashMap<>();
    Map<String, String> filenames = new LinkedHashMap<>();
    String text = new String(body, StandardCharsets.ISO_8859_1);
    String delimiter = "--" + boundary;
    int at = text.indexOf(delimiter);
    while (at >= 0) {
      int headStart = at + delimiter.length();
      if (text.startsWith("--", headStart)) {
        break;
      }
      headStart += 2;
      int headEnd = text.indexOf("\r\n\r\n", headStart);
      int next = text.indexOf("\r\n" + delimiter, headEnd < 0 ? headStart : headEnd);
      if (headEnd < 0 || next < 0) {
        return invalid(style, "The multipart body is malformed.", null);
      }
      String head = text.substring(headStart, headEnd);
      String name = attribute(head, "name");
      if (name != null) {
        byte[] value = new byte[next - (headEnd + 4)];
        System.arraycopy(body, headEnd + 4, value, 0, value.length);
        fields.put(name, value);
        String filename = attribute(head, "filename");
        if (filename != null) {
          filenames.put(name, filename);
        }
      }
      at = next + 2;
    }
    byte[] purpose = fields.get("purpose");
    if (purpose == null) {
      return invalid(style, "Missing required parameter: 'purpose'.", "purpose");
    }
    byte[] file = fields.get("file");
    if (file == null || !filenames.containsKey("file")) {
      return invalid(style, "Missing required parameter: 'file'.", "file");
    }
    String p = new String(purpose, StandardCharsets.UTF_8);
    if (!p.equals("batch") && !p.equals("fine-tune") && !p.equals("assistants")) {
      return invalid(style, "'" + p + "' is not a valid purpose.", "purpose");
    }
    String filename = filenames.get("file");
    if (p.equals("batch") && !filename.endsWith(".jsonl")) {
      return invalid(style, "Invalid file format for Batch API. Must be .jsonl", "file");
    }
    String id = "file-" + nextId();
    StoredFile f = new StoredFile(id, filename, p, file, config.clock().millis() / 1000);
    files.put(id, f);
    return Reply.json(200, fileObject(f, style));
  }

  private static @Nullable String attribute(String head, String name) {
    String key = name + "=\"";
    int i = head.indexOf("; " + key);
    if (i < 0) {
      return null;
    }
    int start = i + 2 + key.length();
    int end = head.indexOf('"', start);
    return end < 0
        ? null
        : new String(
            head.substring(start, end).getBytes(StandardCharsets.ISO_8859_1),
            StandardCharsets.UTF_8);
  }

  private ObjectNode fileObject(StoredFile f, ApiStyle style) {
    ObjectNode o = NODES.objectNode();
    o.put("id", f.id());
    o.put("object", "file");
    o.put("bytes", f.bytes().length);
    o.put("created_at", f.created());
    o.put("filename", f.filename());
    o.put("purpose", f.purpose());
    o.put("status", "processed");
    return o;
  }

  private String storeOutput(String filename, byte[] bytes) {
    String id = "file-" + nextId();
    files.put(
        id, new StoredFile(id, filename, "batch_output", bytes, config.clock().millis() / 1000));
    return id;
  }

  // ---- batches ------------------------------------------------------------------------------

  private Reply create(@Nullable JsonNode json, ApiStyle style, String apiVersion) {
    if (json == null || !json.isObject()) {
      return invalid(style, "We could not parse the JSON body of your request.", null);
    }
    String inputFileId = json.path("input_file_id").asText(null);
    if (inputFileId == null) {
      return invalid(style, "Missing required parameter: 'input_file_id'.", "input_file_id");
    }
    String endpoint = json.path("endpoint").asText(null);
    String expected = style == ApiStyle.OPENAI ? "/v1/chat/completions" : "/chat/completions";
    if (endpoint == null || !(endpoint.equals(expected) || endpoint.equals("/v1/embeddings"))) {
      return invalid(
          style,
          "Invalid value for 'endpoint': '" + endpoint + "'. Supported: " + expected + ".",
          "endpoint");
    }
    if (!"24h".equals(json.path("completion_window").asText(null))) {
      return invalid(
          style,
          "Invalid value for 'completion_window': only '24h' is supported.",
          "completion_window");
    }
    StoredFile input = files.get(inputFileId);
    if (input == null) {
      return notFound(style, "File", inputFileId);
    }
    Map<String, String> metadata = new LinkedHashMap<>();
    json.path("metadata")
        .properties()
        .forEach(e -> metadata.put(e.getKey(), e.getValue().asText()));
    if (metadata.size() > 16) {
      return invalid(style, "metadata may have at most 16 keys.", "metadata");
    }
    List<JsonNode> lines = new ArrayList<>();
    List<ObjectNode> errors = new ArrayList<>();
    validate(input, endpoint, lines, errors);
    String id = "batch_" + nextId();
    SimBatch b =
        new SimBatch(id, inputFileId, endpoint, style, apiVersion, metadata, lines, errors);
    batches.put(id, b);
    return Reply.json(200, batchObject(b));
  }

  /** The services' line checks; the batch fails when it ends validating with any error. */
  private void validate(
      StoredFile input, String endpoint, List<JsonNode> lines, List<ObjectNode> errors) {
    String text = new String(input.bytes(), StandardCharsets.UTF_8);
    Set<String> seen = new HashSet<>();
    String model = null;
    int number = 0;
    for (String line : text.split("\n", -1)) {
      number++;
      if (line.isBlank()) {
        continue;
      }
      JsonNode node;
      try {
        node = Reply.MAPPER.readTree(line);
      } catch (IOException e) {
        errors.add(error("invalid_json_line", "This line is not parseable as valid JSON.", number));
        continue;
      }
      String customId = node.path("custom_id").asText(null);
      if (customId == null) {
        errors.add(error("missing_required_parameter", "Missing custom_id.", number));
        continue;
      }
      if (!seen.add(customId)) {
        errors.add(
            error(
                "duplicate_custom_id", "The custom_id '" + customId + "' is used twice.", number));
      }
      if (!"POST".equals(node.path("method").asText(null))) {
        errors.add(error("invalid_method", "The method must be POST.", number));
      }
      if (!endpoint.equals(node.path("url").asText(null))) {
        errors.add(
            error(
                "mismatched_endpoint",
                "The url of this line does not match the batch endpoint " + endpoint + ".",
                number));
      }
      String lineModel = node.path("body").path("model").asText(null);
      if (lineModel == null) {
        errors.add(error("missing_required_parameter", "The body has no model.", number));
      } else if (model == null) {
        model = lineModel;
      } else if (!model.equals(lineModel)) {
        errors.add(
            error("mismatched_model", "All lines of a batch must use the same model.", number));
      }
      lines.add(node);
      if (errors.size() > 100) {
        return;
      }
    }
    if (lines.isEmpty() && errors.isEmpty()) {
      errors.add(error("empty_file", "The input file has no requests.", null));
    }
    if (lines.size() > MAX_LINES) {
      errors.add(error("too_many_requests", "At most " + MAX_LINES + " requests per file.", null));
    }
    if (model != null && deployments.resolve(model) == null) {
      errors.add(error("model_not_found", "The model '" + model + "' does not exist.", null));
    }
  }

  private static ObjectNode error(String code, String message, @Nullable Integer line) {
    ObjectNode e = NODES.objectNode();
    e.put("code", code);
    e.put("message", message);
    e.putNull("param");
    if (line == null) {
      e.putNull("line");
    } else {
      e.put("line", line);
    }
    return e;
  }

  private Reply listBatches(String query) {
    String after = RecordedRequest.queryParameter(query, "after");
    int limit = 20;
    String l = RecordedRequest.queryParameter(query, "limit");
    if (l != null) {
      try {
        limit = Math.max(1, Math.min(100, Integer.parseInt(l)));
      } catch (NumberFormatException e) {
        limit = 20;
      }
    }
    List<SimBatch> newestFirst = new ArrayList<>(batches.values());
    java.util.Collections.reverse(newestFirst);
    ArrayNode data = NODES.arrayNode();
    boolean started = after == null;
    boolean more = false;
    for (SimBatch b : newestFirst) {
      if (!started) {
        started = b.id.equals(after);
        continue;
      }
      if (data.size() == limit) {
        more = true;
        break;
      }
      data.add(batchObject(b));
    }
    return Reply.json(200, list(data, more));
  }

  private static ObjectNode list(ArrayNode data, boolean more) {
    ObjectNode o = NODES.objectNode();
    o.put("object", "list");
    o.set("data", data);
    o.put("first_id", data.isEmpty() ? null : data.get(0).path("id").asText());
    o.put("last_id", data.isEmpty() ? null : data.get(data.size() - 1).path("id").asText());
    o.put("has_more", more);
    return o;
  }

  /** Moves a batch along the clock: runs the lines due, and ends it when its time is up. */
  private void advance(SimBatch b) {
    if (b.finalStatus != null) {
      return;
    }
    long now = config.clock().millis();
    long validatedAt = b.createdMillis + b.phase;
    if (now < validatedAt && b.cancelAt < 0) {
      return;
    }
    if (!b.errors.isEmpty() || "invalid".equals(b.outcome) || "token_limit".equals(b.outcome)) {
      if ("token_limit".equals(b.outcome)) {
        b.errors.add(
            error(
                "token_limit_exceeded",
                "Enqueued token limit reached for "
                    + (b.lines.isEmpty()
                        ? "the model"
                        : b.lines.get(0).path("body").path("model").asText())
                    + ". Please try again once some in_progress batches have been completed.",
                null));
      } else if (b.errors.isEmpty()) {
        b.errors.add(error("invalid_request", "The input file failed validation.", 1));
      }
      b.finalStatus = "failed";
      return;
    }
    long runEnd = validatedAt + b.phase;
    boolean expire = "expire".equals(b.outcome);
    long until = b.cancelAt >= 0 ? Math.min(b.cancelAt, now) : now;
    double fraction = Math.min(1.0, Math.max(0.0, (until - validatedAt) / (double) b.phase));
    if (expire) {
      fraction = Math.min(fraction, 0.5);
    }
    int due = (int) Math.floor(fraction * b.lines.size());
    while (b.run < due) {
      runLine(b, b.lines.get(b.run));
      b.run++;
    }
    if (b.cancelAt >= 0 && now >= b.cancelAt + b.phase / 2) {
      finish(
          b, "cancelled", "batch_cancelled", "This request was not run: the batch was cancelled.");
    } else if (b.cancelAt < 0 && now >= runEnd + b.phase) {
      if (expire) {
        finish(
            b,
            "expired",
            "batch_expired",
            "This request could not be executed before the completion window expired.");
      } else {
        finish(b, "completed", null, null);
      }
    }
  }

  private void finish(SimBatch b, String status, @Nullable String code, @Nullable String message) {
    for (int i = b.run; i < b.lines.size(); i++) {
      if (code == null) {
        runLine(b, b.lines.get(i));
      } else {
        ObjectNode line = NODES.objectNode();
        line.put("id", "batch_req_" + nextId());
        line.put("custom_id", b.lines.get(i).path("custom_id").asText());
        line.putNull("response");
        ObjectNode e = line.putObject("error");
        e.put("code", code);
        e.put("message", message);
        write(b.errorLines, line);
      }
    }
    b.run = b.lines.size();
    if (b.output.size() > 0) {
      b.outputFileId = storeOutput(b.id + "_output.jsonl", b.output.toByteArray());
    }
    if (b.errorLines.size() > 0) {
      b.errorFileId = storeOutput(b.id + "_error.jsonl", b.errorLines.toByteArray());
    }
    b.finalStatus = status;
  }

  /** Answers one line with the chat endpoint; a fault or an error status goes to the error file. */
  private void runLine(SimBatch b, JsonNode line) {
    JsonNode body = line.path("body");
    String model = body.path("model").asText();
    Deployment d = deployments.resolve(model);
    Reply reply;
    Fault fault = faults.pick(Route.BATCH_REQUEST);
    Reply early =
        fault == null ? null : faults.replacement(fault, b.style, Route.BATCH_REQUEST, null);
    if (early != null) {
      reply = early;
    } else if (d == null || !body.isObject()) {
      reply = Reply.error(404, WireErrors.notFound(b.style, model));
    } else {
      reply = chat.chat(body, d, b.style, b.apiVersion, fault, false);
    }
    int status = reply.resetBeforeHeaders || reply.status == 0 ? 500 : reply.status;
    JsonNode replyBody;
    try {
      replyBody = Reply.MAPPER.readTree(reply.body());
    } catch (IOException e) {
      replyBody = null;
    }
    if (replyBody == null || !replyBody.isObject()) {
      status = 500;
      replyBody = WireErrors.serverStatus(b.style, 500);
    }
    ObjectNode out = NODES.objectNode();
    out.put("id", "batch_req_" + nextId());
    out.put("custom_id", line.path("custom_id").asText());
    ObjectNode response = out.putObject("response");
    response.put("status_code", status);
    response.put(
        "request_id",
        UUID.nameUUIDFromBytes((b.id + ":" + b.run).getBytes(StandardCharsets.UTF_8)).toString());
    response.set("body", replyBody);
    out.putNull("error");
    if (status == 200) {
      b.completed++;
      write(b.output, out);
    } else {
      b.failed++;
      write(b.errorLines, out);
    }
  }

  private static void write(ByteArrayOutputStream to, JsonNode line) {
    try {
      to.write(Reply.MAPPER.writeValueAsBytes(line));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    to.write('\n');
  }

  private ObjectNode batchObject(SimBatch b) {
    advance(b);
    long now = config.clock().millis();
    String status;
    if (b.finalStatus != null) {
      status = b.finalStatus;
    } else if (b.cancelAt >= 0) {
      status = "cancelling";
    } else if (now < b.createdMillis + b.phase) {
      status = "validating";
    } else if (now < b.createdMillis + 2 * b.phase) {
      status = "in_progress";
    } else {
      status = "finalizing";
    }
    ObjectNode o = NODES.objectNode();
    o.put("id", b.id);
    o.put("object", "batch");
    o.put("endpoint", b.endpoint);
    // The spec types these as objects and strings, not nullable, so absent ones are left out.
    if (!b.errors.isEmpty() && "failed".equals(status)) {
      ObjectNode errors = o.putObject("errors");
      errors.put("object", "list");
      ArrayNode data = errors.putArray("data");
      b.errors.forEach(data::add);
    }
    o.put("input_file_id", b.inputFileId);
    o.put("completion_window", "24h");
    o.put("status", status);
    if (b.outputFileId != null) {
      o.put("output_file_id", b.outputFileId);
    }
    if (b.errorFileId != null) {
      o.put("error_file_id", b.errorFileId);
    }
    long created = b.createdMillis / 1000;
    o.put("created_at", created);
    o.put("expires_at", created + 24 * 3600);
    ObjectNode counts = o.putObject("request_counts");
    boolean validated = !status.equals("validating") && !status.equals("failed");
    counts.put("total", validated ? b.lines.size() : 0);
    counts.put("completed", b.completed);
    counts.put("failed", b.failed);
    ObjectNode metadata = o.putObject("metadata");
    b.metadata.forEach(metadata::put);
    return o;
  }

  // ---- errors -------------------------------------------------------------------------------

  private static Reply invalid(ApiStyle style, String message, @Nullable String param) {
    return Reply.error(
        400,
        style == ApiStyle.OPENAI
            ? WireErrors.invalidRequest(message, param, null)
            : WireErrors.azure("invalidPayload", message));
  }

  private static Reply notFound(ApiStyle style, String kind, String id) {
    return Reply.error(
        404,
        style == ApiStyle.OPENAI
            ? WireErrors.invalidRequest("No such " + kind + " object: " + id, "id", null)
            : WireErrors.azure("404", kind + " " + id + " not found."));
  }

  private static Reply notAllowed(String method, String op, ApiStyle style) {
    return Reply.error(
        405,
        style == ApiStyle.OPENAI
            ? WireErrors.invalidRequest("Not allowed to " + method + " on " + op + ".", null, null)
            : WireErrors.azure("405", "Method not allowed."));
  }

  private String nextId() {
    return Long.toString(config.seed() & 0xffff, 36)
        + "x"
        + Long.toString(ids.incrementAndGet(), 36);
  }
}
