package dev.llmclient.benchmarks.peers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import dev.llmclient.api.LlmClient;
import dev.llmclient.api.LlmRequest;
import dev.llmclient.api.LlmStream;
import dev.llmclient.api.Message;
import dev.llmclient.api.StreamEvent;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Iterator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hc.client5.http.async.methods.AbstractBinResponseConsumer;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.nio.AsyncRequestProducer;
import org.apache.hc.core5.http.nio.support.AsyncRequestBuilder;
import org.apache.hc.core5.io.CloseMode;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One streamed text answer of {@link #deltas} text deltas (plus role, finish and usage chunks:
 * {@code deltas + 3} events) from the canned server in {@code sse:N} mode: two raw floors that read
 * the SSE lines and parse each {@code data:} event into a Jackson tree (httpclient5's classic
 * client on the caller's thread, and its async client, the transport llmclient is built on, on the
 * I/O thread, so that the two show what the async transport's hand-offs cost by themselves),
 * llmclient's {@code stream}, openai-java's {@code createStreaming} and LangChain4j's streaming
 * chat model. The {@code *FirstEvent} rows stop at the first text delta and abort: time to first
 * event.
 *
 * <p>The {@code *Whole} rows read the whole stream, which gives the cost per event in two ways:
 *
 * <ul>
 *   <li><b>whole-stream</b>: {@code whole(64) / 67}, the per-stream exchange (connection lease,
 *       request, response head, the hand-offs between threads) spread over the events;
 *   <li><b>marginal</b>: {@code (whole(256) - whole(64)) / (259 - 67)}, what one more event costs
 *       once the stream is open: the per-stream exchange cancels out, since both lengths have the
 *       same chunk shape and the same request.
 * </ul>
 *
 * Allocation per event ({@code -prof gc}, {@code gc.alloc.rate.norm}) divides the same two ways.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar 'StreamingBenchmark.(floor|llmclient)'
 * -f 1 -wi 5 -w 2s -i 5 -r 2s -prof gc}; {@code -p deltas=64} runs only the usual length (enough
 * for the first-event rows, which stop after two chunks).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class StreamingBenchmark {

  private static final String SYSTEM = "You are terse.";
  private static final String USER = "Count words.";

  /** How many text deltas the server streams: the usual answer, and four times as many. */
  @Param({"64", "256"})
  public int deltas = CannedServer.SSE_TEXT_EVENTS;

  private final ObjectMapper mapper = new ObjectMapper();
  private CannedServer.Handle server;
  private CloseableHttpClient raw;
  private CloseableHttpAsyncClient rawAsync;
  private URI chatUri;
  private byte[] floorBody;
  private LlmClient llm;
  private LlmRequest<String> request;
  private OpenAIClient openAi;
  private ChatCompletionCreateParams openAiParams;
  private OpenAiStreamingChatModel langChain4j;
  private ChatRequest langChain4jRequest;

  /** Starts the canned server in SSE mode and builds every client. */
  @Setup(Level.Trial)
  public void setUp() {
    server = CannedServer.spawn(0, "sse:" + deltas);
    String base = server.baseUri();
    chatUri = URI.create(base + "/v1/chat/completions");
    raw =
        HttpClients.custom()
            .setConnectionManager(
                PoolingHttpClientConnectionManagerBuilder.create()
                    .setMaxConnPerRoute(64)
                    .setMaxConnTotal(64)
                    .build())
            .build();
    rawAsync =
        HttpAsyncClients.custom()
            .setConnectionManager(
                PoolingAsyncClientConnectionManagerBuilder.create()
                    .setMaxConnPerRoute(64)
                    .setMaxConnTotal(64)
                    .build())
            .build();
    rawAsync.start();
    floorBody =
        ("{\"model\":\""
                + PeerClients.MODEL
                + "\",\"messages\":[{\"role\":\"system\",\"content\":\""
                + SYSTEM
                + "\"},{\"role\":\"user\",\"content\":\""
                + USER
                + "\"}],\"stream\":true,\"stream_options\":{\"include_usage\":true}}")
            .getBytes(StandardCharsets.UTF_8);
    llm = PeerClients.llmclientOpenAi(base);
    request =
        LlmRequest.builder()
            .addMessage(Message.system(SYSTEM))
            .addMessage(Message.user(USER))
            .responseType(String.class)
            .build();
    openAi = OpenAIOkHttpClient.builder().apiKey(PeerClients.KEY).baseUrl(base + "/v1").build();
    openAiParams =
        ChatCompletionCreateParams.builder()
            .model(PeerClients.MODEL)
            .addSystemMessage(SYSTEM)
            .addUserMessage(USER)
            .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build())
            .build();
    langChain4j =
        OpenAiStreamingChatModel.builder()
            .baseUrl(base + "/v1")
            .apiKey(PeerClients.KEY)
            .modelName(PeerClients.MODEL)
            .build();
    langChain4jRequest =
        ChatRequest.builder().messages(SystemMessage.from(SYSTEM), UserMessage.from(USER)).build();
  }

  /** Closes the clients and stops the server. */
  @TearDown(Level.Trial)
  public void tearDown() {
    raw.close(CloseMode.GRACEFUL);
    rawAsync.close(CloseMode.GRACEFUL);
    llm.close();
    openAi.close();
    server.close();
  }

  /** Reads the SSE answer line by line, parsing each data event; stops early if asked. */
  private int floor(boolean firstOnly) {
    HttpPost post = new HttpPost(chatUri);
    post.addHeader("Authorization", "Bearer " + PeerClients.KEY);
    post.setEntity(new ByteArrayEntity(floorBody, ContentType.APPLICATION_JSON));
    try {
      return raw.execute(
          post,
          (ClassicHttpResponse response) -> {
            int texts = 0;
            try (BufferedReader in =
                new BufferedReader(
                    new InputStreamReader(
                        response.getEntity().getContent(), StandardCharsets.UTF_8))) {
              String line;
              while ((line = in.readLine()) != null) {
                if (!line.startsWith("data: ") || line.equals("data: [DONE]")) {
                  continue;
                }
                if (isText(mapper.readTree(line.substring(6)))) {
                  texts++;
                  if (firstOnly) {
                    post.abort();
                    return texts;
                  }
                }
              }
            }
            return texts;
          });
    } catch (IOException e) {
      if (firstOnly && post.isAborted()) {
        return 1;
      }
      throw new UncheckedIOException(e);
    }
  }

  /** Whether a chunk carries a non-empty text delta, as every floor decides it. */
  private static boolean isText(JsonNode chunk) {
    JsonNode content = chunk.path("choices").path(0).path("delta").path("content");
    return content.isTextual() && !content.asText().isEmpty();
  }

  /**
   * The async floor's reader: splits the body into lines as the I/O thread receives it and parses
   * each {@code data:} event into a Jackson tree there; {@code first} completes at the first text
   * event.
   */
  private final class SseLines extends AbstractBinResponseConsumer<Integer> {
    final CompletableFuture<Integer> first = new CompletableFuture<>();
    private byte[] line = new byte[512];
    private int length;
    private int texts;

    @Override
    protected void start(HttpResponse response, ContentType contentType) {}

    @Override
    protected int capacityIncrement() {
      return Integer.MAX_VALUE;
    }

    @Override
    protected void data(ByteBuffer src, boolean endOfStream) throws IOException {
      while (src.hasRemaining()) {
        byte b = src.get();
        if (b != '\n') {
          if (length == line.length) {
            line = Arrays.copyOf(line, length * 2);
          }
          line[length++] = b;
          continue;
        }
        if (length > 6 && line[0] == 'd' && line[5] == ' ' && line[6] != '[') {
          if (isText(mapper.readTree(line, 6, length - 6)) && ++texts == 1) {
            first.complete(1);
          }
        }
        length = 0;
      }
    }

    @Override
    protected Integer buildResult() {
      return texts;
    }

    @Override
    public void releaseResources() {}
  }

  /** The async floor: the same reading on httpclient5's async client; stops early if asked. */
  private int floorAsync(boolean firstOnly) {
    AsyncRequestProducer post =
        AsyncRequestBuilder.post(chatUri)
            .addHeader("Authorization", "Bearer " + PeerClients.KEY)
            .setEntity(floorBody, ContentType.APPLICATION_JSON)
            .build();
    SseLines lines = new SseLines();
    Future<Integer> exchange = rawAsync.execute(post, lines, null);
    try {
      if (firstOnly) {
        int first = lines.first.get();
        exchange.cancel(true);
        return first;
      }
      return exchange.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    }
  }

  /**
   * The async floor (httpclient5's async client, the transport llmclient is built on): the whole
   * stream.
   *
   * @return the number of text events
   */
  @Benchmark
  public int floorAsyncWhole() {
    return floorAsync(false);
  }

  /**
   * The async floor: up to the first text event, then cancel the exchange.
   *
   * @return 1
   */
  @Benchmark
  public int floorAsyncFirstEvent() {
    return floorAsync(true);
  }

  /**
   * The floor: the whole stream.
   *
   * @return the number of text events
   */
  @Benchmark
  public int floorWhole() {
    return floor(false);
  }

  /**
   * The floor: up to the first text event, then abort.
   *
   * @return 1
   */
  @Benchmark
  public int floorFirstEvent() {
    return floor(true);
  }

  /**
   * llmclient: the whole stream through the blocking iterator, then the assembled response.
   *
   * @return the answer's length
   */
  @Benchmark
  public int llmclientWhole() {
    try (LlmStream<String> stream = llm.stream(request)) {
      int texts = 0;
      for (Iterator<StreamEvent> it = stream.iterator(); it.hasNext(); ) {
        if (it.next() instanceof StreamEvent.TextDelta) {
          texts++;
        }
      }
      return texts + stream.response().join().value().length();
    }
  }

  /**
   * llmclient: up to the first text event, then close (aborts the exchange).
   *
   * @return 1
   */
  @Benchmark
  public int llmclientFirstEvent() {
    try (LlmStream<String> stream = llm.stream(request)) {
      for (Iterator<StreamEvent> it = stream.iterator(); it.hasNext(); ) {
        if (it.next() instanceof StreamEvent.TextDelta) {
          return 1;
        }
      }
      return 0;
    }
  }

  /**
   * openai-java 4.x: the whole stream.
   *
   * @return the number of text events
   */
  @Benchmark
  public int openAiJavaWhole() {
    try (StreamResponse<ChatCompletionChunk> stream =
        openAi.chat().completions().createStreaming(openAiParams)) {
      return (int)
          stream.stream()
              .filter(
                  c ->
                      !c.choices().isEmpty()
                          && c.choices()
                              .get(0)
                              .delta()
                              .content()
                              .filter(t -> !t.isEmpty())
                              .isPresent())
              .count();
    }
  }

  /**
   * openai-java 4.x: up to the first text event, then close.
   *
   * @return 1
   */
  @Benchmark
  public int openAiJavaFirstEvent() {
    try (StreamResponse<ChatCompletionChunk> stream =
        openAi.chat().completions().createStreaming(openAiParams)) {
      return stream.stream()
              .anyMatch(
                  c ->
                      !c.choices().isEmpty()
                          && c.choices()
                              .get(0)
                              .delta()
                              .content()
                              .filter(t -> !t.isEmpty())
                              .isPresent())
          ? 1
          : 0;
    }
  }

  /**
   * LangChain4j's OpenAI streaming chat model: the whole stream, waited for.
   *
   * @return the number of text events
   */
  @Benchmark
  public int langChain4jWhole() {
    AtomicInteger texts = new AtomicInteger();
    CompletableFuture<ChatResponse> done = new CompletableFuture<>();
    langChain4j.chat(
        langChain4jRequest,
        new StreamingChatResponseHandler() {
          @Override
          public void onPartialResponse(String partial) {
            texts.incrementAndGet();
          }

          @Override
          public void onCompleteResponse(ChatResponse response) {
            done.complete(response);
          }

          @Override
          public void onError(Throwable error) {
            done.completeExceptionally(error);
          }
        });
    done.join();
    return texts.get();
  }
}
