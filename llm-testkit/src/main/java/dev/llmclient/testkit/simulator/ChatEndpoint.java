package dev.llmclient.testkit.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.jspecify.annotations.Nullable;

/**
 * {@code /chat/completions}: after {@link ChatRequestCheck}, applies the prompt triggers and the
 * context window, decides the answer (content fault, trigger, script, or a seeded generated value
 * valid against the request's schema), takes the quota, and renders it as one JSON body or as
 * server-sent events.
 */
final class ChatEndpoint {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  static final String REFUSAL_TEXT = "I'm sorry, but I can't help with that request.";
  private static final int REASONING_TOKENS = 64;

  private final SimulatorConfig config;
  private final Random random;
  private final RateLimiter rateLimiter;
  private final RateLimitReplies rateLimits;
  private final ChatScripts scripts;
  private final RequestLog log;

  ChatEndpoint(
      SimulatorConfig config,
      Random random,
      RateLimiter rateLimiter,
      RateLimitReplies rateLimits,
      ChatScripts scripts,
      RequestLog log) {
    this.config = config;
    this.random = random;
    this.rateLimiter = rateLimiter;
    this.rateLimits = rateLimits;
    this.scripts = scripts;
    this.log = log;
  }

  /** The answer to a chat request on a resolved deployment, with the content fault that fired. */
  Reply chat(JsonNode req, Deployment d, ApiStyle style, String apiVersion, @Nullable Fault fault) {
    return chat(req, d, style, apiVersion, fault, true);
  }

  /** As above; a batch line ({@code rateLimited} false) draws on the batch quota, not this one. */
  Reply chat(
      JsonNode req,
      Deployment d,
      ApiStyle style,
      String apiVersion,
      @Nullable Fault fault,
      boolean rateLimited) {
    ChatRequestCheck.Checked checked = ChatRequestCheck.check(req, d, config.requireJsonWord());
    if (checked.error() != null) {
      return checked.error();
    }
    Reply toolError = ToolPlan.check(req);
    if (toolError != null) {
      return toolError;
    }
    Images images = Images.of(req.get("messages"));
    if (images.error() != null) {
      return images.error();
    }
    List<String> contents = checked.contents();
    String formatType = checked.formatType();
    JsonNode schema = checked.schema();
    String promptText = String.join("\n", contents);
    String lowerPrompt = promptText.toLowerCase(Locale.ROOT);
    if (containsTrigger(lowerPrompt, config.promptFilterTrigger())) {
      return Reply.error(
          400, WireErrors.promptFiltered(config.filterCategory(), config.filterSeverity()));
    }
    int promptTokens = TokenEstimator.promptTokens(contents) + images.tokens();
    Integer maxTokens = maxTokens(req);
    long requested = promptTokens + (maxTokens == null ? 0 : maxTokens);
    if (requested > d.contextWindow()) {
      return Reply.error(
          400,
          WireErrors.invalidRequest(
              "This model's maximum context length is "
                  + d.contextWindow()
                  + " tokens. However, you requested "
                  + requested
                  + " tokens ("
                  + promptTokens
                  + " in the messages, "
                  + (maxTokens == null ? 0 : maxTokens)
                  + " in the completion). Please reduce the length of the messages or completion.",
              "messages",
              "context_length_exceeded"));
    }

    // Decide the answer.
    long seed = contentSeed(d, req);
    Random rnd = new Random(seed);
    String content = null;
    String refusal = null;
    String finish = "stop";
    String filteredCategory = null;
    ArrayNode toolCalls = null;
    Fault.Kind contentFault = fault == null ? null : fault.kind();
    if (contentFault == Fault.Kind.REFUSAL) {
      refusal = REFUSAL_TEXT;
    } else if (contentFault == Fault.Kind.EMPTY_CONTENT) {
      content = "";
    } else if (contentFault == Fault.Kind.INVALID_AGAINST_SCHEMA) {
      content = invalidAgainst(schema, rnd);
    } else if (containsTrigger(lowerPrompt, config.completionFilterTrigger())) {
      finish = "content_filter";
      filteredCategory = config.filterCategory();
    } else if (containsTrigger(lowerPrompt, config.refusalTrigger())) {
      refusal = REFUSAL_TEXT;
    } else {
      toolCalls = ToolPlan.calls(req, rnd);
      if (toolCalls != null) {
        finish = "tool_calls";
      } else {
        content = scripts.contentFor(promptText);
        if (content == null) {
          content = generate(formatType, schema, rnd);
        }
      }
    }
    int completionTokens =
        toolCalls != null
            ? TokenEstimator.tokens(toolCalls.toString())
            : TokenEstimator.tokens(content != null ? content : nullToEmpty(refusal));
    if (maxTokens != null && content != null && completionTokens > maxTokens) {
      content = content.substring(0, Math.min(content.length(), maxTokens * 4));
      completionTokens = TokenEstimator.tokens(content);
      finish = "length";
    }
    int reasoningTokens = d.reasoning() ? REASONING_TOKENS : 0;
    completionTokens += reasoningTokens;

    RateLimiter.Decision decision =
        rateLimited
            ? rateLimiter.acquire(
                d, promptTokens + (maxTokens != null ? maxTokens : completionTokens))
            : null;
    if (decision != null && !decision.allowed()) {
      return rateLimits.quotaExceeded(decision, d, style, Route.CHAT_COMPLETIONS, apiVersion);
    }

    String id = "chatcmpl-" + Long.toUnsignedString(seed ^ log.current(), 36);
    long created = config.clock().instant().getEpochSecond();
    ObjectNode usage = usage(promptTokens, completionTokens, reasoningTokens);
    long ttfb = config.latency().firstByteMillis(random);
    boolean azure = style != ApiStyle.OPENAI;
    Answer answer =
        new Answer(id, created, d, content, refusal, finish, filteredCategory, toolCalls);
    if (req.path("stream").asBoolean(false)) {
      boolean includeUsage = req.path("stream_options").path("include_usage").asBoolean(false);
      int top = req.path("logprobs").asBoolean(false) ? req.path("top_logprobs").asInt(0) : -1;
      return stream(answer, includeUsage ? usage : null, azure, ttfb, top);
    }
    ObjectNode body = NODES.objectNode();
    body.put("id", id);
    body.put("object", "chat.completion");
    body.put("created", created);
    body.put("model", d.model());
    body.put("system_fingerprint", "fp_simulator");
    if (azure) {
      body.putArray("prompt_filter_results").add(safePromptFilterResults());
    }
    ArrayNode choices = body.putArray("choices");
    ObjectNode choice = choices.addObject();
    choice.put("index", 0);
    ObjectNode message = choice.putObject("message");
    message.put("role", "assistant");
    message.put("content", content);
    message.put("refusal", refusal);
    if (toolCalls != null) {
      message.set("tool_calls", toolCalls);
    }
    if (req.path("logprobs").asBoolean(false) && content != null) {
      choice.set("logprobs", logprobs(content, req.path("top_logprobs").asInt(0)));
    } else {
      choice.putNull("logprobs");
    }
    choice.put("finish_reason", finish);
    if (azure) {
      choice.set(
          "content_filter_results",
          WireErrors.filterResults(filteredCategory, config.filterSeverity(), false));
    }
    body.set("usage", usage);
    Reply r = Reply.json(200, body);
    r.headerDelayMillis = ttfb + config.latency().tokensMillis(completionTokens, random);
    return r;
  }

  /** What the assistant answers, however it is rendered. */
  private record Answer(
      String id,
      long created,
      Deployment deployment,
      @Nullable String content,
      @Nullable String refusal,
      String finish,
      @Nullable String filteredCategory,
      @Nullable ArrayNode toolCalls) {}

  private static ObjectNode safePromptFilterResults() {
    ObjectNode p = NODES.objectNode();
    p.put("prompt_index", 0);
    p.set("content_filter_results", WireErrors.filterResults(null, "safe", true));
    return p;
  }

  private static @Nullable Integer maxTokens(JsonNode req) {
    JsonNode m = req.get("max_completion_tokens");
    if (m == null || m.isNull()) {
      m = req.get("max_tokens");
    }
    return m == null || m.isNull() ? null : m.asInt();
  }

  private static boolean containsTrigger(String lowerPrompt, @Nullable String trigger) {
    return trigger != null && lowerPrompt.contains(trigger.toLowerCase(Locale.ROOT));
  }

  private static String nullToEmpty(@Nullable String s) {
    return s == null ? "" : s;
  }

  private static String generate(String formatType, @Nullable JsonNode schema, Random rnd) {
    if (schema != null) {
      return SchemaValueGenerator.generate(schema, rnd.nextLong()).toString();
    }
    String sentence = sentence(rnd);
    if (formatType.equals("json_object")) {
      ObjectNode o = NODES.objectNode();
      o.put("answer", sentence);
      o.put("confidence", 0.5 + rnd.nextInt(50) / 100.0);
      return o.toString();
    }
    return sentence;
  }

  private static String sentence(Random rnd) {
    String words = SchemaValueGenerator.words(rnd, 6 + rnd.nextInt(8));
    return Character.toUpperCase(words.charAt(0)) + words.substring(1) + ".";
  }

  private static String invalidAgainst(@Nullable JsonNode schema, Random rnd) {
    if (schema == null) {
      return "[\"not\", \"an\", \"object\"]";
    }
    JsonNode valid = SchemaValueGenerator.generate(schema, rnd.nextLong());
    JsonNode required = schema.path("required");
    if (valid instanceof ObjectNode o && required.isArray() && !required.isEmpty()) {
      o.remove(required.get(0).asText());
      return o.toString();
    }
    return valid.isArray() ? "{\"unexpected\":true}" : "[\"unexpected\"]";
  }

  private long contentSeed(Deployment d, JsonNode req) {
    ObjectNode key = NODES.objectNode();
    key.put("seed", config.seed());
    key.put("deployment", d.name());
    key.set("messages", req.get("messages"));
    key.set("response_format", req.get("response_format"));
    if (req.has("seed")) {
      key.set("request_seed", req.get("seed"));
    }
    byte[] digest = SimulatorEngine.sha256(key.toString().getBytes(StandardCharsets.UTF_8));
    return ByteBuffer.wrap(digest).getLong();
  }

  /** Made-up but well-formed log probabilities: one token per word, the most likely first. */
  private static ObjectNode logprobs(String content, int top) {
    ObjectNode logprobs = NODES.objectNode();
    ArrayNode tokens = logprobs.putArray("content");
    String[] words = words(content);
    for (int i = 0; i < words.length && i < 4096; i++) {
      tokens.add(token(words[i], i, top));
    }
    logprobs.putNull("refusal");
    return logprobs;
  }

  /** The simulator's tokens: the words of the content, each with the space after it. */
  private static String[] words(String content) {
    return content.split("(?<= )");
  }

  /** The log probability of the {@code i}th token, with {@code top} alternatives. */
  private static ObjectNode token(String word, int i, int top) {
    ObjectNode t = NODES.objectNode();
    t.put("token", word);
    double lp = -0.01 * (1 + i % 7);
    t.put("logprob", lp);
    putBytes(t, word);
    ArrayNode alternatives = t.putArray("top_logprobs");
    for (int k = 0; k < top; k++) {
      ObjectNode alt = alternatives.addObject();
      String alternative = k == 0 ? word : word.strip() + "_" + k;
      alt.put("token", alternative);
      alt.put("logprob", lp - k);
      putBytes(alt, alternative);
    }
    return t;
  }

  /** A token's {@code bytes}: its UTF-8 bytes as integers, as the API sends them. */
  private static void putBytes(ObjectNode token, String text) {
    ArrayNode bytes = token.putArray("bytes");
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      bytes.add(b & 0xff);
    }
  }

  private static ObjectNode usage(int prompt, int completion, int reasoning) {
    ObjectNode usage = NODES.objectNode();
    usage.put("prompt_tokens", prompt);
    usage.put("completion_tokens", completion);
    usage.put("total_tokens", prompt + completion);
    usage.putObject("prompt_tokens_details").put("cached_tokens", 0);
    usage.putObject("completion_tokens_details").put("reasoning_tokens", reasoning);
    return usage;
  }

  /**
   * The answer as server-sent events. With {@code top >= 0} (the request asked for logprobs) the
   * content goes out one token (word) per chunk, each chunk with its token's log probability, as
   * the services send them; otherwise in pieces of four characters.
   */
  private Reply stream(Answer a, @Nullable ObjectNode usage, boolean azure, long ttfb, int top) {
    Reply r = new Reply(200, "text/event-stream; charset=utf-8");
    r.streaming = true;
    r.headerDelayMillis = ttfb;
    long perToken = config.latency().perOutputToken().toMillis();
    if (azure) {
      ObjectNode first = NODES.objectNode();
      first.putArray("choices");
      first.put("created", 0);
      first.put("id", "");
      first.put("model", "");
      first.put("object", "");
      first.putArray("prompt_filter_results").add(safePromptFilterResults());
      r.chunks.add(sse(first, 0));
    }
    ObjectNode roleDelta = NODES.objectNode();
    roleDelta.put("role", "assistant");
    roleDelta.put("content", "");
    roleDelta.putNull("refusal");
    r.chunks.add(sse(chunk(a, roleDelta, null, null, false), 0));
    if (a.toolCalls() != null) {
      for (int i = 0; i < a.toolCalls().size(); i++) {
        JsonNode call = a.toolCalls().get(i);
        ObjectNode head = NODES.objectNode();
        ObjectNode first = head.putArray("tool_calls").addObject();
        first.put("index", i);
        first.put("id", call.get("id").asText());
        first.put("type", "function");
        first
            .putObject("function")
            .put("name", call.at("/function/name").asText())
            .put("arguments", "");
        r.chunks.add(sse(chunk(a, head, null, null, false), 0));
        String args = call.at("/function/arguments").asText();
        for (int j = 0; j < args.length(); j += 8) {
          ObjectNode delta = NODES.objectNode();
          ObjectNode piece = delta.putArray("tool_calls").addObject();
          piece.put("index", i);
          piece
              .putObject("function")
              .put("arguments", args.substring(j, Math.min(args.length(), j + 8)));
          r.chunks.add(
              sse(chunk(a, delta, null, null, false), config.latency().tokensMillis(1, random)));
        }
      }
    }
    String text = a.content() != null ? a.content() : a.refusal();
    String field = a.content() != null ? "content" : "refusal";
    if (text != null && top >= 0 && a.content() != null) {
      String[] words = words(text);
      for (int i = 0; i < words.length; i++) {
        ObjectNode delta = NODES.objectNode();
        delta.put(field, words[i]);
        ObjectNode c = chunk(a, delta, null, null, azure);
        ObjectNode logprobs = NODES.objectNode();
        logprobs.putArray("content").add(token(words[i], i, top));
        logprobs.putNull("refusal");
        ((ObjectNode) c.get("choices").get(0)).set("logprobs", logprobs);
        r.chunks.add(sse(c, config.latency().tokensMillis(1, random)));
      }
    } else if (text != null) {
      for (int i = 0; i < text.length(); i += 4) {
        ObjectNode delta = NODES.objectNode();
        delta.put(field, text.substring(i, Math.min(text.length(), i + 4)));
        r.chunks.add(
            sse(chunk(a, delta, null, null, azure), config.latency().tokensMillis(1, random)));
      }
    }
    ObjectNode last =
        chunk(
            a,
            NODES.objectNode(),
            a.finish(),
            azure
                ? WireErrors.filterResults(a.filteredCategory(), config.filterSeverity(), false)
                : null,
            false);
    r.chunks.add(sse(last, perToken > 0 ? perToken : 0));
    if (usage != null) {
      ObjectNode u = chunkEnvelope(a);
      u.putArray("choices");
      u.set("usage", usage);
      r.chunks.add(sse(u, 0));
    }
    r.chunks.add(new Reply.Chunk("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8), 0));
    r.header("cache-control", "no-cache");
    return r;
  }

  private static ObjectNode chunk(
      Answer a,
      ObjectNode delta,
      @Nullable String finish,
      @Nullable ObjectNode filterResults,
      boolean safeFilterResults) {
    ObjectNode c = chunkEnvelope(a);
    ObjectNode choice = c.putArray("choices").addObject();
    choice.put("index", 0);
    choice.set("delta", delta);
    choice.putNull("logprobs");
    choice.put("finish_reason", finish);
    if (filterResults != null) {
      choice.set("content_filter_results", filterResults);
    } else if (safeFilterResults) {
      choice.set("content_filter_results", WireErrors.filterResults(null, "safe", false));
    }
    return c;
  }

  /** The fields every {@code chat.completion.chunk} event starts with. */
  private static ObjectNode chunkEnvelope(Answer a) {
    ObjectNode c = NODES.objectNode();
    c.put("id", a.id());
    c.put("object", "chat.completion.chunk");
    c.put("created", a.created());
    c.put("model", a.deployment().model());
    c.put("system_fingerprint", "fp_simulator");
    return c;
  }

  private static Reply.Chunk sse(JsonNode data, long delayMillis) {
    return new Reply.Chunk(
        ("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8), delayMillis);
  }
}
