package dev.llmclient.benchmarks.peers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessage;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.llmclient.api.LlmClient;
import dev.llmclient.api.LlmRequest;
import dev.llmclient.api.LlmResponse;
import dev.llmclient.api.Message;
import dev.llmclient.api.Tool;
import dev.llmclient.api.ToolCall;
import dev.llmclient.core.ToolLoop;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.io.CloseMode;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One tool-call round trip (issue 19 item 8) against the canned server in {@code tool} mode: the
 * first request offers a weather tool and is answered with a call of it; the second carries the
 * assistant's call and the tool's result and is answered with the final text. Contenders: a raw
 * floor (httpclient5 classic, both bodies prebuilt, the call's arguments read into a tree),
 * llmclient's {@link ToolLoop}, llmclient by hand ({@code generate}, {@link Message#tool}, {@code
 * generate}), openai-java 4.x by hand, and LangChain4j 1.x's {@code OpenAiChatModel} with a {@code
 * ToolSpecification} by hand (its low-level tool API: {@code chat}, the arguments read with
 * Jackson, a {@code ToolExecutionResultMessage}, {@code chat}).
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar ToolCallBenchmark -f 1 -wi 3 -w 1s -i 3
 * -r 2s -prof gc}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class ToolCallBenchmark {

  private static final String SYSTEM = "You answer questions about the weather.";
  private static final String USER = "What is the weather in Oslo for 3 days?";

  /** The tool's parameters. */
  public record Weather(String city, int days) {}

  private final ObjectMapper mapper = new ObjectMapper();
  private CannedServer.Handle server;
  private CloseableHttpClient raw;
  private URI chatUri;
  private byte[] firstBody;
  private byte[] secondBody;
  private LlmClient llm;
  private LlmRequest<String> request;
  private Tool tool;
  private ToolLoop loop;
  private OpenAIClient openAi;
  private ChatCompletionCreateParams openAiParams;
  private OpenAiChatModel langChain4jModel;
  private ChatRequest langChain4jRequest;

  /** What the tool answers. */
  static String forecast(Weather w) {
    return "sunny in " + w.city() + " for " + w.days() + " days";
  }

  /** Starts the canned server in tool mode and builds every client. */
  @Setup(Level.Trial)
  public void setUp() {
    server = CannedServer.spawn(0, "tool");
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
    String tools =
        "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\""
            + CannedServer.TOOL_NAME
            + "\",\"description\":\"The forecast for a city\",\"strict\":true,\"parameters\":"
            + "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"},"
            + "\"days\":{\"type\":\"integer\"}},\"required\":[\"city\",\"days\"],"
            + "\"additionalProperties\":false}}}]";
    String messages =
        "{\"role\":\"system\",\"content\":\""
            + SYSTEM
            + "\"},{\"role\":\"user\",\"content\":\""
            + USER
            + "\"}";
    firstBody =
        ("{\"model\":\"" + PeerClients.MODEL + "\",\"messages\":[" + messages + "]," + tools + "}")
            .getBytes(StandardCharsets.UTF_8);
    secondBody =
        ("{\"model\":\""
                + PeerClients.MODEL
                + "\",\"messages\":["
                + messages
                + ",{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"call_bench1\","
                + "\"type\":\"function\",\"function\":{\"name\":\""
                + CannedServer.TOOL_NAME
                + "\",\"arguments\":\"{\\\"city\\\":\\\"Oslo\\\",\\\"days\\\":3}\"}}]},"
                + "{\"role\":\"tool\",\"tool_call_id\":\"call_bench1\",\"content\":\""
                + forecast(new Weather("Oslo", 3))
                + "\"}],"
                + tools
                + "}")
            .getBytes(StandardCharsets.UTF_8);
    llm = PeerClients.llmclientOpenAi(base);
    tool = Tool.of(CannedServer.TOOL_NAME, "The forecast for a city", Weather.class);
    request =
        LlmRequest.builder()
            .addMessage(Message.system(SYSTEM))
            .addMessage(Message.user(USER))
            .responseType(String.class)
            .tools(List.of(tool))
            .build();
    loop = ToolLoop.builder(llm).tool(tool, Weather.class, ToolCallBenchmark::forecast).build();
    openAi = OpenAIOkHttpClient.builder().apiKey(PeerClients.KEY).baseUrl(base + "/v1").build();
    openAiParams =
        ChatCompletionCreateParams.builder()
            .model(PeerClients.MODEL)
            .addSystemMessage(SYSTEM)
            .addUserMessage(USER)
            .addTool(Weather.class)
            .build();
    langChain4jModel =
        OpenAiChatModel.builder()
            .baseUrl(base + "/v1")
            .apiKey(PeerClients.KEY)
            .modelName(PeerClients.MODEL)
            .strictTools(true)
            .build();
    langChain4jRequest =
        ChatRequest.builder()
            .messages(SystemMessage.from(SYSTEM), UserMessage.from(USER))
            .toolSpecifications(
                ToolSpecification.builder()
                    .name(CannedServer.TOOL_NAME)
                    .description("The forecast for a city")
                    .parameters(
                        JsonObjectSchema.builder()
                            .addStringProperty("city")
                            .addIntegerProperty("days")
                            .required("city", "days")
                            .additionalProperties(false)
                            .build())
                    .build())
            .build();
    // the canned server answers the final text only to a request that carries the tool's result,
    // so this proves that LangChain4j's second request holds the call and its result
    String answer = langChain4j();
    if (!CannedServer.TOOL_ANSWER.equals(answer)) {
      throw new IllegalStateException(
          "LangChain4j's round trip ended with \"" + answer + "\", not the final answer");
    }
  }

  /** Closes the clients and stops the server. */
  @TearDown(Level.Trial)
  public void tearDown() {
    raw.close(CloseMode.GRACEFUL);
    llm.close();
    openAi.close();
    server.close();
  }

  private JsonNode post(byte[] body) {
    HttpPost post = new HttpPost(chatUri);
    post.addHeader("Authorization", "Bearer " + PeerClients.KEY);
    post.setEntity(new ByteArrayEntity(body, ContentType.APPLICATION_JSON));
    try {
      return raw.execute(
          post,
          (ClassicHttpResponse response) ->
              mapper.readTree(EntityUtils.toByteArray(response.getEntity())));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The floor: two exchanges with prebuilt bodies; the call's arguments read and the tool run
   * between them.
   *
   * @return the final answer
   */
  @Benchmark
  public String floor() {
    JsonNode call = post(firstBody).path("choices").path(0).path("message").path("tool_calls");
    JsonNode arguments;
    try {
      arguments = mapper.readTree(call.path(0).path("function").path("arguments").asText());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String result =
        forecast(new Weather(arguments.get("city").asText(), arguments.get("days").asInt()));
    if (result.isEmpty()) {
      throw new IllegalStateException("unreachable: keeps the tool's work");
    }
    return post(secondBody).path("choices").path(0).path("message").path("content").asText();
  }

  /**
   * llmclient's tool loop: the arguments bound and validated, the tool run, the conversation
   * continued.
   *
   * @return the final answer
   */
  @Benchmark
  public String llmclientToolLoop() {
    return loop.run(request).value();
  }

  /**
   * llmclient by hand: {@code generate}, the call bound to its record, {@link Message#tool}, {@code
   * generate}.
   *
   * @return the final answer
   */
  @Benchmark
  public String llmclientByHand() {
    LlmResponse<String> first = llm.generate(request);
    ToolCall call = first.toolCalls().get(0);
    String result = forecast(call.arguments(Weather.class));
    LlmRequest<String> next =
        request.toBuilder()
            .addMessage(Message.assistant(first.toolCalls()))
            .addMessage(Message.tool(call.id(), result))
            .build();
    return llm.generate(next).value();
  }

  /**
   * openai-java 4.x by hand: {@code create}, the call's arguments bound, the assistant message and
   * the tool message added, {@code create}.
   *
   * @return the final answer
   */
  @Benchmark
  public String openAiJava() {
    ChatCompletion first = openAi.chat().completions().create(openAiParams);
    ChatCompletionMessage message = first.choices().get(0).message();
    ChatCompletionMessageFunctionToolCall call =
        message.toolCalls().orElseThrow().get(0).asFunction();
    String result = forecast(call.function().arguments(Weather.class));
    ChatCompletionCreateParams next =
        openAiParams.toBuilder()
            .addMessage(message)
            .addMessage(
                ChatCompletionToolMessageParam.builder()
                    .toolCallId(call.id())
                    .content(result)
                    .build())
            .build();
    return openAi.chat().completions().create(next).choices().get(0).message().content().orElse("");
  }

  /**
   * LangChain4j by hand: {@code chat} with the tool's specification, the call's arguments read into
   * its record with Jackson, the AI message and a {@code ToolExecutionResultMessage} added, {@code
   * chat}.
   *
   * @return the final answer
   */
  @Benchmark
  public String langChain4j() {
    AiMessage first = langChain4jModel.chat(langChain4jRequest).aiMessage();
    ToolExecutionRequest call = first.toolExecutionRequests().get(0);
    String result;
    try {
      result = forecast(mapper.readValue(call.arguments(), Weather.class));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<ChatMessage> messages = new ArrayList<>(langChain4jRequest.messages());
    messages.add(first);
    messages.add(ToolExecutionResultMessage.from(call, result));
    return langChain4jModel
        .chat(langChain4jRequest.toBuilder().messages(messages).build())
        .aiMessage()
        .text();
  }
}
