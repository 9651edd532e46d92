package dev.llmclient.it.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmclient.testkit.simulator.RawReply;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Turns a case number into one broken HTTP response, deterministically (the case number seeds the
 * random source, so any failure is reproduced by its number alone). Starts from valid chat
 * completions, error bodies and embeddings results and breaks them: truncation, wrong types, huge
 * and odd numbers, deep nesting, invalid UTF-8, bodies over the client's size limit, random bytes,
 * missing fields, odd statuses and headers. The simulator sends each as a {@link RawReply}, byte
 * for byte.
 */
final class ResponseMutator {

  /** The size limit the fuzzed clients are configured with. */
  static final int MAX_RESPONSE_BYTES = 256 * 1024;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final String CITY =
      "{\"name\":\"Lyon\",\"population\":522000,\"districts\":[\"Croix-Rousse\"],\"size\":\"SMALL\"}";

  private final long seed;

  ResponseMutator(long seed) {
    this.seed = seed;
  }

  /** A mutated reply and a short description of what was done, for failure messages. */
  record Mutation(RawReply reply, String description) {}

  /** A minimal, valid OpenAI chat-completion body with this content. */
  static String chatBody(String content) {
    return "{\"id\":\"chatcmpl-scripted\",\"object\":\"chat.completion\",\"created\":1,"
        + "\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
        + "\"content\":"
        + jsonString(content)
        + "},\"finish_reason\":\"stop\"}],"
        + "\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":5,\"total_tokens\":15}}";
  }

  /**
   * {@code s} as a JSON string literal, written by hand so that odd characters pass as they are.
   */
  private static String jsonString(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        default -> {
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.append('"').toString();
  }

  Mutation mutate(int caseNumber) {
    Random r = new Random(seed * 1_000_003L + caseNumber);
    int kind = r.nextInt(16);
    return switch (kind) {
      case 0 -> truncated(r);
      case 1 -> wrongType(r);
      case 2 -> hugeNumber(r);
      case 3 -> deepNesting(r);
      case 4 -> invalidUtf8(r);
      case 5 -> r.nextInt(4) == 0 ? hugeBody(r) : randomBytes(r);
      case 6 -> missingField(r);
      case 7 -> oddStatus(r);
      case 8 -> oddHeaders(r);
      case 9 -> mutatedContent(r);
      case 10 -> mutatedError(r);
      case 11 -> emptyOrWhitespace(r);
      case 12 -> duplicateAndExtraFields(r);
      case 13 -> byteFlips(r);
      case 14 -> embeddingsShapeInChat(r);
      default -> validish(r);
    };
  }

  /** A broken embeddings response for a request of {@code inputs} texts. */
  Mutation mutateEmbeddings(int caseNumber, int inputs) {
    Random r = new Random(seed * 7_000_003L + caseNumber);
    ObjectNode root = NODES.objectNode();
    root.put("object", "list").put("model", "text-embedding-3-small");
    ArrayNode data = root.putArray("data");
    String description;
    int kind = r.nextInt(10);
    int items = kind == 0 ? r.nextInt(inputs + 3) : inputs;
    for (int i = 0; i < items; i++) {
      ObjectNode item = data.addObject();
      item.put("object", "embedding");
      item.put("index", kind == 1 ? r.nextInt(5) - 1 : i);
      switch (kind) {
        case 2 -> item.put("embedding", "not base64 !!");
        case 3 -> item.put("embedding", "AAA="); // 2 bytes: not a whole float
        case 4 -> item.putArray("embedding").add("x").add(1);
        case 5 -> item.set("embedding", randomScalarOrContainer(r));
        case 6 -> item.putArray("embedding").add(new BigDecimal("1e400")).add(1.0);
        case 7 -> item.remove("index");
        default -> item.put("embedding", i % 2 == 0 ? "AACAPwAAAEA=" : "AACAPw==");
      }
    }
    description = "embeddings kind " + kind + " with " + items + " item(s) for " + inputs;
    if (kind == 8) {
      root.set("data", randomScalarOrContainer(r));
      description = "embeddings data " + abbreviate(root.get("data"));
    }
    if (kind == 9) {
      byte[] full = root.toString().getBytes(StandardCharsets.UTF_8);
      int cut = r.nextInt(full.length);
      return new Mutation(
          bytes(200, "application/json", java.util.Arrays.copyOf(full, cut)),
          "embeddings truncated at " + cut);
    }
    return new Mutation(json(200, root), description);
  }

  // ---- the valid starting points ---------------------------------------------------------------

  static ObjectNode completion(String content) {
    try {
      return (ObjectNode) JSON.readTree(chatBody(content));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static RawReply json(int status, JsonNode node) {
    return RawReply.json(status, node.toString());
  }

  /**
   * A reply with these bytes. A null content type (the server sent none) becomes {@code
   * application/octet-stream}: the simulator always sends a {@code Content-Type}.
   */
  private static RawReply bytes(int status, String contentType, byte[] body) {
    return RawReply.bytes(
        status, contentType == null ? "application/octet-stream" : contentType, body);
  }

  // ---- mutations -------------------------------------------------------------------------------

  private Mutation truncated(Random r) {
    byte[] full = completion(CITY).toString().getBytes(StandardCharsets.UTF_8);
    int cut = r.nextInt(full.length);
    byte[] body = java.util.Arrays.copyOf(full, cut);
    return new Mutation(bytes(200, "application/json", body), "truncated at " + cut);
  }

  private Mutation wrongType(Random r) {
    ObjectNode root = completion(CITY);
    List<String> paths =
        List.of(
            "/choices",
            "/choices/0",
            "/choices/0/message",
            "/choices/0/message/content",
            "/choices/0/finish_reason",
            "/usage",
            "/usage/prompt_tokens",
            "/usage/completion_tokens",
            "/model",
            "/id",
            "/created");
    String path = paths.get(r.nextInt(paths.size()));
    JsonNode replacement = randomScalarOrContainer(r);
    replace(root, path, replacement);
    return new Mutation(
        json(200, root), "wrong type at " + path + " -> " + abbreviate(replacement));
  }

  private Mutation hugeNumber(Random r) {
    ObjectNode root = completion(CITY);
    JsonNode number =
        switch (r.nextInt(6)) {
          case 0 -> NODES.numberNode(new BigInteger("9".repeat(400)));
          case 1 -> NODES.numberNode(new BigDecimal("1e400"));
          case 2 -> NODES.numberNode(Long.MIN_VALUE);
          case 3 -> NODES.numberNode(-1);
          case 4 -> NODES.numberNode(Double.MAX_VALUE);
          default -> NODES.numberNode(new BigDecimal("0." + "1".repeat(2000)));
        };
    String path =
        List.of("/usage/prompt_tokens", "/usage/completion_tokens", "/created", "/choices/0/index")
            .get(r.nextInt(4));
    replace(root, path, number);
    if (r.nextBoolean()) {
      ((ObjectNode) root.at("/choices/0/message"))
          .put(
              "content",
              "{\"name\":\"X\",\"population\":"
                  + "9".repeat(50 + r.nextInt(2000))
                  + ",\"districts\":[],\"size\":\"LARGE\"}");
    }
    return new Mutation(json(200, root), "huge number at " + path);
  }

  private Mutation deepNesting(Random r) {
    int depth = 500 + r.nextInt(20_000);
    String open = r.nextBoolean() ? "[" : "{\"a\":";
    String close = open.equals("[") ? "]" : "}";
    String nested = open.repeat(depth) + "1" + close.repeat(depth);
    String body;
    if (r.nextBoolean()) {
      body =
          "{\"id\":\"x\",\"object\":\"chat.completion\",\"model\":\"m\",\"choices\":"
              + nested
              + "}";
    } else {
      body = chatBody(nested);
    }
    return new Mutation(
        bytes(200, "application/json", body.getBytes(StandardCharsets.UTF_8)),
        "nesting depth " + depth);
  }

  private Mutation invalidUtf8(Random r) {
    byte[] valid =
        completion("{\"name\":\"Lyon\u00e9\",\"population\":1,\"districts\":[],\"size\":\"SMALL\"}")
            .toString()
            .getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[][] bad = {
      {(byte) 0xC3},
      {(byte) 0xFF},
      {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
      {(byte) 0x80},
      {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80},
      {0}
    };
    int at = r.nextInt(valid.length);
    out.write(valid, 0, at);
    byte[] b = bad[r.nextInt(bad.length)];
    out.write(b, 0, b.length);
    out.write(valid, at, valid.length - at);
    return new Mutation(
        bytes(200, "application/json; charset=utf-8", out.toByteArray()),
        "invalid UTF-8 at byte " + at);
  }

  private Mutation hugeBody(Random r) {
    int size = MAX_RESPONSE_BYTES + 1 + r.nextInt(3 * MAX_RESPONSE_BYTES);
    StringBuilder padding = new StringBuilder(size);
    while (padding.length() < size) {
      padding.append("abcdefghij");
    }
    String body =
        r.nextBoolean()
            ? chatBody(padding.toString())
            : "{\"error\":{\"message\":\"" + padding + "\"}}";
    int status = body.startsWith("{\"error") ? 500 : 200;
    return new Mutation(
        bytes(status, "application/json", body.getBytes(StandardCharsets.UTF_8)),
        "huge body of " + body.length() + " bytes, status " + status);
  }

  private Mutation randomBytes(Random r) {
    byte[] body = new byte[r.nextInt(4096)];
    r.nextBytes(body);
    int status = List.of(200, 400, 429, 500, 503).get(r.nextInt(5));
    return new Mutation(
        bytes(status, r.nextBoolean() ? "application/json" : null, body),
        body.length + " random bytes, status " + status);
  }

  private Mutation missingField(Random r) {
    ObjectNode root = completion(CITY);
    String[][] targets = {
      {"", "choices"},
      {"/choices/0", "message"},
      {"/choices/0/message", "content"},
      {"/choices/0/message", "role"},
      {"", "usage"},
      {"", "model"},
      {"", "id"},
      {"/choices/0", "finish_reason"}
    };
    String[] t = targets[r.nextInt(targets.length)];
    ((ObjectNode) root.at(t[0])).remove(t[1]);
    if (r.nextInt(3) == 0) {
      root.set("choices", NODES.arrayNode());
      return new Mutation(json(200, root), "empty choices");
    }
    return new Mutation(json(200, root), "missing " + t[0] + "/" + t[1]);
  }

  private Mutation oddStatus(Random r) {
    int status =
        List.of(
                201, 202, 203, 206, 300, 301, 302, 307, 400, 402, 405, 410, 413, 418, 422, 425, 431,
                451, 501, 505, 507, 511, 599)
            .get(r.nextInt(23));
    String body = r.nextBoolean() ? completion(CITY).toString() : "";
    return new Mutation(
        bytes(status, "application/json", body.getBytes(StandardCharsets.UTF_8)),
        "status " + status + (body.isEmpty() ? " without body" : " with a completion"));
  }

  private Mutation oddHeaders(Random r) {
    int status = List.of(200, 429, 503).get(r.nextInt(3));
    String body =
        status == 200
            ? completion(CITY).toString()
            : "{\"error\":{\"code\":\"" + status + "\",\"message\":\"slow down\"}}";
    RawReply reply =
        bytes(
            status,
            List.of(
                    "text/html",
                    "application/octet-stream",
                    "application/json; charset=latin1",
                    "application/json")
                .get(r.nextInt(4)),
            body.getBytes(StandardCharsets.UTF_8));
    String[] values = {
      "-1",
      "abc",
      "1e9",
      "99999999999999999999",
      "Wed, 99 Foo 2024 99:99:99 GMT",
      "",
      " ",
      "0.000001",
      "NaN",
      "Infinity",
      "0x10",
      "Mon, 01 Jan 1990 00:00:00 GMT"
    };
    String value = values[r.nextInt(values.length)];
    String header =
        List.of(
                "Retry-After",
                "retry-after-ms",
                "x-ms-retry-after-ms",
                "x-request-id",
                "x-ratelimit-remaining-requests",
                "x-ratelimit-reset-tokens",
                "apim-request-id")
            .get(r.nextInt(7));
    // One value per name, the later one winning, as the mutations are described.
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put(header, value);
    if (r.nextInt(4) == 0) {
      headers.put("x-request-id", "r".repeat(8_000));
    }
    if (r.nextInt(6) == 0) {
      headers.put("Content-Encoding", "gzip");
    }
    for (Map.Entry<String, String> h : headers.entrySet()) {
      reply = reply.header(h.getKey(), h.getValue());
    }
    return new Mutation(reply, "status " + status + ", " + header + ": '" + value + "'");
  }

  private Mutation mutatedContent(Random r) {
    String[] contents = {
      "",
      " ",
      "null",
      "[]",
      "42",
      "\"text\"",
      "{",
      "{\"name\":",
      "```json\n{}\n```",
      "{\"name\":null,\"population\":\"many\",\"districts\":{},\"size\":\"HUGE\"}",
      "{\"name\":\"A\",\"population\":1,\"districts\":[1,2],\"size\":\"SMALL\",\"extra\":true}",
      "\u0000\u0001\u0002",
      "{\"a\":" + "[".repeat(3000),
      "\ud800",
      CITY + CITY
    };
    String content = contents[r.nextInt(contents.length)];
    ObjectNode root = completion(content);
    if (r.nextInt(3) == 0) {
      ((ObjectNode) root.at("/choices/0"))
          .put(
              "finish_reason",
              List.of("length", "content_filter", "tool_calls", "weird").get(r.nextInt(4)));
    }
    if (r.nextInt(4) == 0) {
      ((ObjectNode) root.at("/choices/0/message")).put("refusal", r.nextBoolean() ? "" : "no");
    }
    return new Mutation(json(200, root), "content '" + abbreviate(NODES.textNode(content)) + "'");
  }

  private Mutation mutatedError(Random r) {
    int status = List.of(400, 401, 403, 404, 408, 409, 429, 500, 502, 503, 504).get(r.nextInt(11));
    ObjectNode error = NODES.objectNode();
    ObjectNode inner = error.putObject("error");
    switch (r.nextInt(6)) {
      case 0 -> inner.put("code", "content_filter").set("innererror", randomScalarOrContainer(r));
      case 1 -> inner.set("code", randomScalarOrContainer(r));
      case 2 -> inner.set("message", randomScalarOrContainer(r));
      case 3 -> error.set("error", randomScalarOrContainer(r));
      case 4 -> {
        inner.put("code", "content_filter");
        ObjectNode ie = inner.putObject("innererror");
        ie.put("code", "ResponsibleAIPolicyViolation");
        ie.set("content_filter_result", randomScalarOrContainer(r));
      }
      default -> inner.put("code", "context_length_exceeded").put("param", 12);
    }
    return new Mutation(json(status, error), "status " + status + " error " + abbreviate(error));
  }

  private Mutation emptyOrWhitespace(Random r) {
    String body = List.of("", " ", "\n\n", "null", "{}", "[]", "\"\"", "0").get(r.nextInt(8));
    int status = List.of(200, 400, 500, 429).get(r.nextInt(4));
    return new Mutation(
        bytes(status, "application/json", body.getBytes(StandardCharsets.UTF_8)),
        "status " + status + " body '" + body + "'");
  }

  private Mutation duplicateAndExtraFields(Random r) {
    String body = completion(CITY).toString();
    body =
        body.substring(0, body.length() - 1)
            + ",\"choices\":[],\"usage\":{\"prompt_tokens\":\"x\"},\"extra\":"
            + randomScalarOrContainer(r)
            + "}";
    return new Mutation(
        bytes(200, "application/json", body.getBytes(StandardCharsets.UTF_8)),
        "duplicate keys and extra fields");
  }

  private Mutation byteFlips(Random r) {
    byte[] body = completion(CITY).toString().getBytes(StandardCharsets.UTF_8);
    int flips = 1 + r.nextInt(8);
    for (int i = 0; i < flips; i++) {
      body[r.nextInt(body.length)] = (byte) r.nextInt(256);
    }
    return new Mutation(bytes(200, "application/json", body), flips + " flipped bytes");
  }

  private Mutation embeddingsShapeInChat(Random r) {
    ObjectNode root = NODES.objectNode();
    root.put("object", "list");
    ArrayNode data = root.putArray("data");
    data.addObject().put("index", 0).put("embedding", "AAAAAAAAgD8=");
    return new Mutation(json(200, root), "an embeddings body on the chat route");
  }

  private Mutation validish(Random r) {
    ObjectNode root = completion(CITY);
    Iterator<String> names = root.fieldNames();
    List<String> keys = new ArrayList<>();
    names.forEachRemaining(keys::add);
    root.remove(keys.get(r.nextInt(keys.size())));
    return new Mutation(json(200, root), "a valid completion without one top-level field");
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private static JsonNode randomScalarOrContainer(Random r) {
    return switch (r.nextInt(9)) {
      case 0 -> NODES.nullNode();
      case 1 -> NODES.booleanNode(r.nextBoolean());
      case 2 -> NODES.numberNode(r.nextLong());
      case 3 -> NODES.numberNode(r.nextDouble() * 1e300);
      case 4 -> NODES.textNode("s" + r.nextInt());
      case 5 -> NODES.arrayNode().add(1).add("two").addNull();
      case 6 -> NODES.objectNode().put("k", "v");
      case 7 -> NODES.arrayNode();
      default -> NODES.textNode("");
    };
  }

  private static void replace(ObjectNode root, String path, JsonNode value) {
    int slash = path.lastIndexOf('/');
    JsonNode parent = slash == 0 ? root : root.at(path.substring(0, slash));
    String last = path.substring(slash + 1);
    if (parent instanceof ObjectNode o) {
      o.set(last, value);
    } else if (parent instanceof ArrayNode a) {
      a.set(Integer.parseInt(last), value);
    }
  }

  private static String abbreviate(JsonNode node) {
    String s = node.toString();
    return s.length() <= 60 ? s : s.substring(0, 60) + "...";
  }
}
