package dev.llmclient.benchmarks.peers;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.EntityDetails;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.HttpStatus;
import org.apache.hc.core5.http.Message;
import org.apache.hc.core5.http.impl.bootstrap.AsyncServerBootstrap;
import org.apache.hc.core5.http.impl.bootstrap.HttpAsyncServer;
import org.apache.hc.core5.http.nio.AsyncEntityConsumer;
import org.apache.hc.core5.http.nio.AsyncRequestConsumer;
import org.apache.hc.core5.http.nio.AsyncServerRequestHandler;
import org.apache.hc.core5.http.nio.entity.AsyncEntityProducers;
import org.apache.hc.core5.http.nio.entity.BasicAsyncEntityConsumer;
import org.apache.hc.core5.http.nio.entity.DiscardingEntityConsumer;
import org.apache.hc.core5.http.nio.support.BasicRequestConsumer;
import org.apache.hc.core5.http.nio.support.BasicResponseProducer;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.reactor.IOReactorConfig;
import org.apache.hc.core5.reactor.ListenerEndpoint;
import org.apache.hc.core5.util.TimeValue;
import org.jspecify.annotations.Nullable;

/**
 * The one fixed local server every library in the peer benchmarks talks to: HTTP/1.1 on loopback,
 * any path, the request body read and discarded, and the same canned chat completion (or, for a
 * path containing {@code embeddings}, the same embedding list) sent back at once or after a fixed
 * delay. In {@code sse} mode every chat answer is instead a stream of {@link #SSE_TEXT_EVENTS} text
 * deltas (N in {@code sse:N} mode, each of the same shape), a finish chunk, a usage chunk and
 * {@code [DONE]}, as the services send with {@code stream_options.include_usage}. In {@code tool}
 * mode a chat request answers with a call of the {@link #TOOL_NAME} tool, unless it carries a tool
 * result ({@code tool_call_id}), which gets the final text {@link #TOOL_ANSWER}: one tool-call
 * round trip. It runs in its own JVM (see {@link #spawn}) so that its work and allocation stay out
 * of the benchmark JVM's {@code -prof gc} figures.
 */
public final class CannedServer {

  /** The structured answer the server returns as the message content. */
  public static final String ANSWER =
      "{\"name\":\"Ada Lovelace\",\"occupation\":\"mathematician\",\"birthYear\":1815}";

  static final String CHAT_REPLY =
      "{\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion\",\"created\":1764201600,"
          + "\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[{\"index\":0,\"message\":"
          + "{\"role\":\"assistant\",\"content\":"
          + quote(ANSWER)
          + ",\"refusal\":null},\"logprobs\":null,\"finish_reason\":\"stop\"}],"
          + "\"usage\":{\"prompt_tokens\":62,\"completion_tokens\":19,\"total_tokens\":81},"
          + "\"system_fingerprint\":\"fp_bench\"}";

  static final String EMBEDDING_REPLY =
      "{\"object\":\"list\",\"data\":[{\"object\":\"embedding\",\"index\":0,\"embedding\":"
          + "[0.1,0.2,0.3,0.4]}],\"model\":\"text-embedding-3-small\","
          + "\"usage\":{\"prompt_tokens\":5,\"total_tokens\":5}}";

  /** The tool the {@code tool} mode's first answer calls. */
  public static final String TOOL_NAME = "get_weather";

  /** The {@code tool} mode's final answer, to the request that carries the tool's result. */
  public static final String TOOL_ANSWER = "It is sunny in Oslo for the next 3 days.";

  static final String TOOL_CALL_REPLY =
      "{\"id\":\"chatcmpl-tool\",\"object\":\"chat.completion\",\"created\":1764201600,"
          + "\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[{\"index\":0,\"message\":"
          + "{\"role\":\"assistant\",\"content\":null,\"refusal\":null,\"tool_calls\":[{"
          + "\"id\":\"call_bench1\",\"type\":\"function\",\"function\":{\"name\":\""
          + TOOL_NAME
          + "\",\"arguments\":\"{\\\"city\\\":\\\"Oslo\\\",\\\"days\\\":3}\"}}]},"
          + "\"logprobs\":null,\"finish_reason\":\"tool_calls\"}],"
          + "\"usage\":{\"prompt_tokens\":80,\"completion_tokens\":18,\"total_tokens\":98},"
          + "\"system_fingerprint\":\"fp_bench\"}";

  static final String TOOL_FINAL_REPLY =
      "{\"id\":\"chatcmpl-tool2\",\"object\":\"chat.completion\",\"created\":1764201600,"
          + "\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[{\"index\":0,\"message\":"
          + "{\"role\":\"assistant\",\"content\":"
          + quote(TOOL_ANSWER)
          + ",\"refusal\":null},\"logprobs\":null,\"finish_reason\":\"stop\"}],"
          + "\"usage\":{\"prompt_tokens\":120,\"completion_tokens\":12,\"total_tokens\":132},"
          + "\"system_fingerprint\":\"fp_bench\"}";

  /** The number of text deltas in a streamed answer. */
  public static final int SSE_TEXT_EVENTS = 64;

  /**
   * A streamed answer: a role chunk, the text deltas (all of the same shape), a finish chunk, usage
   * and [DONE]; {@code deltas + 3} events in all.
   *
   * @param deltas how many text deltas
   * @return the SSE body
   */
  static String sseReply(int deltas) {
    String head =
        "data: {\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\","
            + "\"created\":1764201600,\"model\":\"gpt-4o-mini-2024-07-18\","
            + "\"system_fingerprint\":\"fp_bench\",\"choices\":[";
    StringBuilder b = new StringBuilder(256 * (deltas + 4));
    b.append(head)
        .append(
            "{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},"
                + "\"logprobs\":null,\"finish_reason\":null}]}\n\n");
    for (int i = 0; i < deltas; i++) {
      b.append(head)
          .append("{\"index\":0,\"delta\":{\"content\":\"word")
          .append(i)
          .append(" \"},\"logprobs\":null,\"finish_reason\":null}]}\n\n");
    }
    b.append(head)
        .append("{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"stop\"}]}\n\n");
    b.append(head)
        .append(
            "],\"usage\":{\"prompt_tokens\":20,\"completion_tokens\":"
                + deltas
                + ",\"total_tokens\":"
                + (20 + deltas)
                + "}}\n\n");
    b.append("data: [DONE]\n\n");
    return b.toString();
  }

  private CannedServer() {}

  private static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  /**
   * Starts the server and prints {@code PORT <n>} on standard output; runs until killed.
   *
   * @param args the delay before each answer in milliseconds (default 0), then optionally {@code
   *     sse} to stream every chat answer ({@code sse:N} for N text deltas instead of {@link
   *     #SSE_TEXT_EVENTS}) or {@code tool} for the tool-call round trip
   * @throws Exception when the server cannot listen
   */
  public static void main(String[] args) throws Exception {
    long delayMs = args.length > 0 ? Long.parseLong(args[0]) : 0;
    String mode = args.length > 1 ? args[1] : "json";
    boolean sse = mode.equals("sse") || mode.startsWith("sse:");
    boolean tool = mode.equals("tool");
    int deltas = mode.startsWith("sse:") ? Integer.parseInt(mode.substring(4)) : SSE_TEXT_EVENTS;
    byte[] toolCall = TOOL_CALL_REPLY.getBytes(StandardCharsets.UTF_8);
    byte[] toolFinal = TOOL_FINAL_REPLY.getBytes(StandardCharsets.UTF_8);
    byte[] chat = (sse ? sseReply(deltas) : CHAT_REPLY).getBytes(StandardCharsets.UTF_8);
    ContentType chatType =
        sse
            ? ContentType.create("text/event-stream", StandardCharsets.UTF_8)
            : ContentType.APPLICATION_JSON;
    byte[] embedding = EMBEDDING_REPLY.getBytes(StandardCharsets.UTF_8);
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    HttpAsyncServer server =
        AsyncServerBootstrap.bootstrap()
            .setIOReactorConfig(IOReactorConfig.custom().setSoReuseAddress(true).build())
            .setCanonicalHostName("127.0.0.1")
            .register(
                "*",
                new AsyncServerRequestHandler<Message<HttpRequest, byte[]>>() {
                  @Override
                  public AsyncRequestConsumer<Message<HttpRequest, byte[]>> prepare(
                      HttpRequest request, EntityDetails entityDetails, HttpContext context) {
                    if (entityDetails == null) {
                      return new BasicRequestConsumer<>((AsyncEntityConsumer<byte[]>) null);
                    }
                    // only the tool mode looks at the request: which of its two answers to send
                    return new BasicRequestConsumer<>(
                        tool ? new BasicAsyncEntityConsumer() : new DiscardingEntityConsumer<>());
                  }

                  @Override
                  public void handle(
                      Message<HttpRequest, byte[]> message,
                      ResponseTrigger trigger,
                      HttpContext context) {
                    boolean embeddings = message.getHead().getPath().contains("embeddings");
                    byte[] body = embeddings ? embedding : chat;
                    if (tool && !embeddings) {
                      body = carriesToolResult(message.getBody()) ? toolFinal : toolCall;
                    }
                    ContentType type = embeddings ? ContentType.APPLICATION_JSON : chatType;
                    byte[] reply = body;
                    Runnable answer =
                        () -> {
                          try {
                            trigger.submitResponse(
                                new BasicResponseProducer(
                                    HttpStatus.SC_OK, AsyncEntityProducers.create(reply, type)),
                                context);
                          } catch (Exception e) {
                            // the client went away; nothing to answer
                          }
                        };
                    if (delayMs == 0) {
                      answer.run();
                    } else {
                      timer.schedule(answer, delayMs, TimeUnit.MILLISECONDS);
                    }
                  }
                })
            .create();
    server.start();
    ListenerEndpoint endpoint =
        server
            .listen(new InetSocketAddress("127.0.0.1", 0), org.apache.hc.core5.http.URIScheme.HTTP)
            .get();
    System.out.println("PORT " + ((InetSocketAddress) endpoint.getAddress()).getPort());
    System.out.flush();
    Runtime.getRuntime()
        .addShutdownHook(new Thread(() -> server.close(CloseMode.IMMEDIATE), "canned-server-stop"));
    server.awaitShutdown(TimeValue.MAX_VALUE);
  }

  private static final byte[] TOOL_CALL_ID = "\"tool_call_id\"".getBytes(StandardCharsets.US_ASCII);

  /** Whether a chat request's body holds a tool message (its {@code tool_call_id}). */
  static boolean carriesToolResult(byte @Nullable [] body) {
    if (body == null) {
      return false;
    }
    outer:
    for (int i = 0; i + TOOL_CALL_ID.length <= body.length; i++) {
      for (int j = 0; j < TOOL_CALL_ID.length; j++) {
        if (body[i + j] != TOOL_CALL_ID[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  /** A running server process and its port. */
  public static final class Handle implements AutoCloseable {
    private final Process process;
    private final int port;

    Handle(Process process, int port) {
      this.process = process;
      this.port = port;
    }

    /**
     * The base URI of the server, e.g. {@code http://127.0.0.1:40123}.
     *
     * @return the base URI without a trailing slash
     */
    public String baseUri() {
      return "http://127.0.0.1:" + port;
    }

    /** Stops the server process and waits up to 10 s for it to go. */
    @Override
    public void close() {
      process.destroy();
      try {
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Starts the server in a fresh JVM on this JVM's class path and waits up to 30 s for its port.
   *
   * @param delayMs the delay before each answer
   * @return the running server
   */
  public static Handle spawn(long delayMs) {
    return spawn(delayMs, "json");
  }

  /**
   * Starts the server in a fresh JVM, answering chat calls as JSON or as a stream.
   *
   * @param delayMs the delay before each answer
   * @param mode {@code json}, {@code sse}, {@code sse:N} (N text deltas) or {@code tool}
   * @return the running server
   */
  public static Handle spawn(long delayMs, String mode) {
    Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
    ProcessBuilder pb =
        new ProcessBuilder(
                List.of(
                    java.toString(),
                    "-Xmx256m",
                    "-XX:+UseSerialGC",
                    "-cp",
                    System.getProperty("java.class.path"),
                    CannedServer.class.getName(),
                    Long.toString(delayMs),
                    mode))
            .redirectError(ProcessBuilder.Redirect.INHERIT);
    try {
      Process p = pb.start();
      BufferedReader out =
          new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      String line;
      while ((line = out.readLine()) != null && System.nanoTime() < deadline) {
        if (line.startsWith("PORT ")) {
          return new Handle(p, Integer.parseInt(line.substring(5).trim()));
        }
      }
      p.destroyForcibly();
      throw new IllegalStateException("the canned server did not report its port within 30 s");
    } catch (IOException e) {
      throw new UncheckedIOException("could not start the canned server JVM", e);
    }
  }
}
