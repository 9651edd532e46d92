package dev.llmclient.testkit.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;

/**
 * {@code /embeddings} and {@code /models}: validates an embeddings request as the services do and
 * answers deterministic unit vectors; lists the known deployments as models.
 */
final class EmbeddingsEndpoint {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final int MAX_EMBEDDING_INPUTS = 2048;
  private static final int MAX_INPUT_TOKENS = 8192;

  private final SimulatorConfig config;
  private final Random random;
  private final RateLimiter rateLimiter;
  private final RateLimitReplies rateLimits;
  private final DeploymentRegistry deployments;

  EmbeddingsEndpoint(
      SimulatorConfig config,
      Random random,
      RateLimiter rateLimiter,
      RateLimitReplies rateLimits,
      DeploymentRegistry deployments) {
    this.config = config;
    this.random = random;
    this.rateLimiter = rateLimiter;
    this.rateLimits = rateLimits;
    this.deployments = deployments;
  }

  /** The answer to a {@code /models} listing: every known deployment, by name. */
  Reply models() {
    ObjectNode body = NODES.objectNode();
    body.put("object", "list");
    ArrayNode data = body.putArray("data");
    deployments.all().stream()
        .sorted((a, b) -> a.name().compareTo(b.name()))
        .forEach(
            d -> {
              ObjectNode m = data.addObject();
              m.put("id", d.name());
              m.put("object", "model");
              m.put("created", 1_700_000_000L);
              m.put("owned_by", "system");
            });
    return Reply.json(200, body);
  }

  /** The answer to an embeddings request on a resolved deployment. */
  Reply embeddings(JsonNode req, Deployment d, ApiStyle style, String apiVersion) {
    JsonNode input = req.get("input");
    List<String> inputs = new ArrayList<>();
    if (input == null || input.isNull()) {
      return Reply.error(
          400, WireErrors.invalidRequest("'input' is a required property", "input", null));
    }
    if (input.isTextual()) {
      inputs.add(input.asText());
    } else if (input.isArray() && !input.isEmpty()) {
      boolean tokenArray = input.get(0).isNumber();
      if (tokenArray) {
        inputs.add(input.toString());
      } else {
        for (JsonNode item : input) {
          inputs.add(item.isTextual() ? item.asText() : item.toString());
        }
      }
    }
    if (inputs.isEmpty() || inputs.stream().anyMatch(String::isEmpty)) {
      return Reply.error(
          400,
          WireErrors.invalidRequest(
              "'$.input' is invalid. Please check the API reference:"
                  + " https://platform.openai.com/docs/api-reference.",
              "input",
              null));
    }
    if (inputs.size() > MAX_EMBEDDING_INPUTS) {
      return Reply.error(
          400,
          WireErrors.invalidRequest(
              "Too many inputs. The max number of inputs is "
                  + MAX_EMBEDDING_INPUTS
                  + ". We recommend splitting your request into smaller chunks.",
              "input",
              "invalid_value"));
    }
    int dims = d.embeddingDimensions();
    JsonNode dn = req.get("dimensions");
    if (dn != null && !dn.isNull() && !d.acceptsDimensions()) {
      // What OpenAI and Azure answer for text-embedding-ada-002, even when dimensions is its size.
      return Reply.error(
          400,
          WireErrors.invalidRequest(
              "This model does not support specifying dimensions.", null, null));
    }
    if (dn != null && !dn.isNull()) {
      if (!dn.isIntegralNumber() || dn.asInt() < 1 || dn.asInt() > d.embeddingDimensions()) {
        return Reply.error(
            400,
            WireErrors.invalidRequest(
                "Invalid 'dimensions': must be between 1 and " + d.embeddingDimensions() + ".",
                "dimensions",
                "invalid_value"));
      }
      dims = dn.asInt();
    }
    String encoding = req.path("encoding_format").asText("float");
    if (!encoding.equals("float") && !encoding.equals("base64")) {
      return Reply.error(
          400,
          WireErrors.invalidRequest(
              "Invalid value: '" + encoding + "'. Supported values are: 'float' and 'base64'.",
              "encoding_format",
              "invalid_value"));
    }
    int tokens = 0;
    for (String s : inputs) {
      tokens += TokenEstimator.tokens(s);
    }
    for (String s : inputs) {
      if (TokenEstimator.tokens(s) > MAX_INPUT_TOKENS) {
        return Reply.error(
            400,
            WireErrors.invalidRequest(
                "This model's maximum context length is "
                    + MAX_INPUT_TOKENS
                    + " tokens, however you requested "
                    + TokenEstimator.tokens(s)
                    + " tokens. Please reduce your prompt; or completion length.",
                "input",
                "context_length_exceeded"));
      }
    }
    RateLimiter.Decision decision = rateLimiter.acquire(d, tokens);
    if (!decision.allowed()) {
      return rateLimits.quotaExceeded(decision, d, style, Route.EMBEDDINGS, apiVersion);
    }
    ObjectNode body = NODES.objectNode();
    body.put("object", "list");
    ArrayNode data = body.putArray("data");
    for (int i = 0; i < inputs.size(); i++) {
      float[] v = embedding(inputs.get(i), dims);
      ObjectNode item = data.addObject();
      item.put("object", "embedding");
      item.put("index", i);
      if (encoding.equals("base64")) {
        ByteBuffer buf = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) {
          buf.putFloat(f);
        }
        item.put("embedding", Base64.getEncoder().encodeToString(buf.array()));
      } else {
        ArrayNode arr = item.putArray("embedding");
        for (float f : v) {
          arr.add(f);
        }
      }
    }
    body.put("model", d.model());
    ObjectNode usage = body.putObject("usage");
    usage.put("prompt_tokens", tokens);
    usage.put("total_tokens", tokens);
    Reply r = Reply.json(200, body);
    r.headerDelayMillis = config.latency().firstByteMillis(random);
    return r;
  }

  /** The deterministic unit vector for an input: equal inputs give equal vectors. */
  static float[] embedding(String input, int dimensions) {
    byte[] digest = SimulatorEngine.sha256(input.getBytes(StandardCharsets.UTF_8));
    Random rnd = new Random(ByteBuffer.wrap(digest).getLong());
    double[] raw = new double[dimensions];
    double norm = 0;
    for (int i = 0; i < dimensions; i++) {
      raw[i] = rnd.nextGaussian();
      norm += raw[i] * raw[i];
    }
    norm = Math.sqrt(norm);
    float[] out = new float[dimensions];
    for (int i = 0; i < dimensions; i++) {
      out[i] = (float) (raw[i] / norm);
    }
    return out;
  }
}
