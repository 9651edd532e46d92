package dev.llmclient.benchmarks.peers;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.azure.AzureOpenAIServiceVersion;
import com.openai.azure.credential.AzureApiKeyCredential;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.StructuredChatCompletion;
import com.openai.models.chat.completions.StructuredChatCompletionCreateParams;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.langchain4j.model.chat.request.ResponseFormatType;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonSchema;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.llmclient.api.LlmClient;
import dev.llmclient.api.LlmRequest;
import dev.llmclient.api.Message;
import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.api.spi.Tracer;
import dev.llmclient.core.LlmClients;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.hc.client5.http.async.methods.SimpleHttpResponse;
import org.apache.hc.client5.http.async.methods.SimpleRequestBuilder;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.io.CloseMode;
import org.jspecify.annotations.Nullable;

/**
 * Every contender, built once against the canned server, each sending the same structured
 * extraction (system + user message, strict {@code json_schema} for {@link Person}) the way that
 * library's users would write it.
 */
final class PeerClients implements AutoCloseable {

  static final String KEY = "bench-key";
  static final String MODEL = "gpt-4o-mini";
  static final String SYSTEM = "Extract the person the text names.";
  static final String USER = "Ada Lovelace, born in 1815, was an English mathematician.";

  /** The strict schema the floor sends, written by hand once, as a careful raw client would. */
  static final String RESPONSE_FORMAT =
      "{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"Person\",\"strict\":true,"
          + "\"schema\":{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\"},"
          + "\"occupation\":{\"type\":\"string\"},\"birthYear\":{\"type\":\"integer\"}},"
          + "\"required\":[\"name\",\"occupation\",\"birthYear\"],"
          + "\"additionalProperties\":false}}}";

  final ObjectMapper mapper = new ObjectMapper();
  final URI chatUri;
  final LlmRequest<Person> structured;
  final LlmRequest<Map<String, Object>> plain;
  final ChatRequest langChain4jRequest;
  private @Nullable CloseableHttpAsyncClient raw;
  private @Nullable CloseableHttpClient rawClassic;
  private final byte[] prebuiltBody;
  private @Nullable LlmClient llmOpenAi;
  private @Nullable LlmClient llmAzure;
  private @Nullable OpenAIClient openAi;
  private @Nullable OpenAIClient openAiAzure;
  private @Nullable OpenAiChatModel langChain4j;

  /** Builds every contender. */
  PeerClients(String base) {
    this(base, "all");
  }

  /**
   * Builds one contender, or all of them.
   *
   * @param base the canned server's base URI
   * @param only {@code all}, {@code floor}, {@code floor-classic}, {@code llmclient-openai}, {@code
   *     llmclient-azure}, {@code openai-java}, {@code openai-java-azure} or {@code langchain4j}
   */
  PeerClients(String base, String only) {
    boolean all = only.equals("all");
    chatUri = URI.create(base + "/v1/chat/completions");
    List<Message> messages = List.of(Message.system(SYSTEM), Message.user(USER));
    structured = LlmRequest.builder().messages(messages).responseType(Person.class).build();
    plain = LlmRequest.builder().messages(messages).build();
    prebuiltBody = floorBody();
    if (all || only.equals("floor-classic")) {
      rawClassic =
          HttpClients.custom()
              .setConnectionManager(
                  PoolingHttpClientConnectionManagerBuilder.create()
                      .setMaxConnPerRoute(512)
                      .setMaxConnTotal(512)
                      .build())
              .build();
    }
    if (all || only.equals("floor")) {
      CloseableHttpAsyncClient client =
          HttpAsyncClients.custom()
              .setConnectionManager(
                  PoolingAsyncClientConnectionManagerBuilder.create()
                      .setMaxConnPerRoute(512)
                      .setMaxConnTotal(512)
                      .build())
              .build();
      client.start();
      raw = client;
    }
    if (all || only.equals("llmclient-openai")) {
      llmOpenAi = llmclientOpenAi(base);
    }
    if (all || only.equals("llmclient-azure")) {
      llmAzure =
          LlmClients.builder()
              .provider("azure")
              .settings(
                  ProviderSettings.of(
                      Map.of(
                          "AZURE_OPENAI_ENDPOINT",
                          base,
                          "AZURE_OPENAI_API_KEY",
                          KEY,
                          "AZURE_OPENAI_DEPLOYMENT_NAME",
                          MODEL)))
              .tracer(Tracer.noop())
              .build();
    }
    if (all || only.equals("openai-java")) {
      openAi = OpenAIOkHttpClient.builder().apiKey(KEY).baseUrl(base + "/v1").build();
    }
    if (all || only.equals("openai-java-azure")) {
      openAiAzure =
          OpenAIOkHttpClient.builder()
              .baseUrl(base)
              .credential(AzureApiKeyCredential.create(KEY))
              .azureServiceVersion(AzureOpenAIServiceVersion.fromString("2024-10-21"))
              .build();
    }
    if (all || only.equals("langchain4j")) {
      langChain4j =
          OpenAiChatModel.builder()
              .baseUrl(base + "/v1")
              .apiKey(KEY)
              .modelName(MODEL)
              .strictJsonSchema(true)
              .build();
    }
    langChain4jRequest =
        ChatRequest.builder()
            .messages(SystemMessage.from(SYSTEM), UserMessage.from(USER))
            .responseFormat(
                ResponseFormat.builder()
                    .type(ResponseFormatType.JSON)
                    .jsonSchema(
                        JsonSchema.builder()
                            .name("Person")
                            .rootElement(
                                JsonObjectSchema.builder()
                                    .addStringProperty("name")
                                    .addStringProperty("occupation")
                                    .addIntegerProperty("birthYear")
                                    .required("name", "occupation", "birthYear")
                                    .additionalProperties(false)
                                    .build())
                            .build())
                    .build())
            .build();
  }

  private static <T> T built(@Nullable T client, String name) {
    if (client == null) {
      throw new IllegalStateException(name + " was not built; pass it (or all) to PeerClients");
    }
    return client;
  }

  /**
   * llmclient on provider-openai against the canned server at {@code base}, untraced: the client
   * every llmclient-openai contender uses.
   */
  static LlmClient llmclientOpenAi(String base) {
    return LlmClients.builder()
        .provider("openai")
        .settings(
            ProviderSettings.of(
                Map.of(
                    "OPENAI_API_KEY", KEY, "OPENAI_BASE_URL", base + "/v1", "MODEL_NAME", MODEL)))
        .tracer(Tracer.noop())
        .build();
  }

  LlmClient llmOpenAi() {
    return built(llmOpenAi, "llmclient-openai");
  }

  LlmClient llmAzure() {
    return built(llmAzure, "llmclient-azure");
  }

  OpenAIClient openAi() {
    return built(openAi, "openai-java");
  }

  OpenAIClient openAiAzure() {
    return built(openAiAzure, "openai-java-azure");
  }

  /**
   * The floor's request body, written with a {@code JsonGenerator} as a careful raw client would.
   */
  private byte[] floorBody() {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream(768);
      try (JsonGenerator g = mapper.getFactory().createGenerator(out)) {
        g.writeStartObject();
        g.writeStringField("model", MODEL);
        g.writeArrayFieldStart("messages");
        g.writeStartObject();
        g.writeStringField("role", "system");
        g.writeStringField("content", SYSTEM);
        g.writeEndObject();
        g.writeStartObject();
        g.writeStringField("role", "user");
        g.writeStringField("content", USER);
        g.writeEndObject();
        g.writeEndArray();
        g.writeFieldName("response_format");
        g.writeRawValue(RESPONSE_FORMAT);
        g.writeEndObject();
      }
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The classic floor, the fastest plain way to make the call: httpclient5's blocking client with a
   * pooled connection manager posts a prebuilt body, reads the reply into a tree and maps the
   * content, all on the caller's thread.
   */
  Person floorClassic() {
    HttpPost post = new HttpPost(chatUri);
    post.addHeader("Authorization", "Bearer " + KEY);
    post.setEntity(new ByteArrayEntity(prebuiltBody, ContentType.APPLICATION_JSON));
    try {
      return built(rawClassic, "floor-classic")
          .execute(
              post,
              response -> {
                if (response.getCode() != 200) {
                  EntityUtils.consume(response.getEntity());
                  throw new IllegalStateException("HTTP " + response.getCode());
                }
                try (var in = response.getEntity().getContent()) {
                  JsonNode completion = mapper.readTree(in);
                  String content =
                      completion.path("choices").path(0).path("message").path("content").asText();
                  return mapper.readValue(content, Person.class);
                }
              });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The async floor: build the body, POST, parse the completion, map the content. */
  CompletableFuture<Person> floorAsync() {
    byte[] body = floorBody();
    CompletableFuture<SimpleHttpResponse> done = new CompletableFuture<>();
    built(raw, "floor")
        .execute(
            SimpleRequestBuilder.post(chatUri)
                .addHeader("Authorization", "Bearer " + KEY)
                .setBody(body, ContentType.APPLICATION_JSON)
                .build(),
            new org.apache.hc.core5.concurrent.FutureCallback<SimpleHttpResponse>() {
              @Override
              public void completed(SimpleHttpResponse result) {
                done.complete(result);
              }

              @Override
              public void failed(Exception ex) {
                done.completeExceptionally(ex);
              }

              @Override
              public void cancelled() {
                done.cancel(false);
              }
            });
    return done.thenApply(this::toPerson);
  }

  private Person toPerson(SimpleHttpResponse response) {
    if (response.getCode() != 200) {
      throw new IllegalStateException("HTTP " + response.getCode());
    }
    try {
      JsonNode completion = mapper.readTree(response.getBodyBytes());
      String content = completion.path("choices").path(0).path("message").path("content").asText();
      return mapper.readValue(content, Person.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The structured request as openai-java's users write it, built per call. */
  static StructuredChatCompletionCreateParams<Person> openAiParams() {
    return ChatCompletionCreateParams.builder()
        .model(MODEL)
        .addSystemMessage(SYSTEM)
        .addUserMessage(USER)
        .responseFormat(Person.class)
        .build();
  }

  static Person first(StructuredChatCompletion<Person> completion) {
    return completion.choices().get(0).message().content().orElseThrow();
  }

  /** LangChain4j: one chat call with the prebuilt strict schema, then Jackson mapping. */
  Person langChain4jCall() {
    String text = built(langChain4j, "langchain4j").chat(langChain4jRequest).aiMessage().text();
    try {
      return mapper.readValue(text, Person.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    if (raw != null) {
      raw.close(CloseMode.GRACEFUL);
    }
    if (rawClassic != null) {
      rawClassic.close(CloseMode.GRACEFUL);
    }
    for (LlmClient c : new LlmClient[] {llmOpenAi, llmAzure}) {
      if (c != null) {
        c.close();
      }
    }
    for (OpenAIClient c : new OpenAIClient[] {openAi, openAiAzure}) {
      if (c != null) {
        c.close();
      }
    }
  }
}
