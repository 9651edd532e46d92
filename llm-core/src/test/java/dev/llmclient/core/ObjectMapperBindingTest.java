package dev.llmclient.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import dev.llmclient.api.InvalidResponseException;
import dev.llmclient.api.LlmClient;
import dev.llmclient.api.Message;
import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.api.spi.Tracer;
import dev.llmclient.testkit.ScriptedChatBackend;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The application's ObjectMapper binds answers into types only its modules can build. */
class ObjectMapperBindingTest {

  /** Jackson can write it, but only the application's module can build one. */
  static final class Celsius {
    @JsonProperty("degrees")
    private final double degrees;

    private Celsius(double degrees) {
      this.degrees = degrees;
    }

    static Celsius of(double degrees) {
      return new Celsius(degrees);
    }

    double degrees() {
      return degrees;
    }
  }

  record Reading(String city, Celsius temperature) {}

  static final class CelsiusModule extends SimpleModule {
    private static final long serialVersionUID = 1L;

    CelsiusModule() {
      addDeserializer(
          Celsius.class,
          new JsonDeserializer<>() {
            @Override
            public Celsius deserialize(JsonParser p, DeserializationContext ctxt)
                throws IOException {
              JsonNode node = p.readValueAsTree();
              return Celsius.of(node.get("degrees").asDouble());
            }
          });
    }
  }

  private static final String ANSWER = "{\"city\": \"Oslo\", \"temperature\": {\"degrees\": 21.5}}";

  private static LlmClients.Builder builder(ScriptedChatBackend backend) {
    return LlmClients.builder()
        .backend(backend)
        .settings(ProviderSettings.empty())
        .tracer(Tracer.noop());
  }

  @Test
  void theApplicationsMapperBindsTheValidatedAnswer() {
    ScriptedChatBackend backend = new ScriptedChatBackend().enqueueContent(ANSWER);
    ObjectMapper mapper = JsonMapper.builder().addModule(new CelsiusModule()).build();
    try (LlmClient llm = builder(backend).objectMapper(mapper).build()) {
      Reading reading = llm.generate(List.of(Message.user("Weather in Oslo?")), Reading.class);

      assertThat(reading.city()).isEqualTo("Oslo");
      assertThat(reading.temperature().degrees()).isEqualTo(21.5);
    }
    // The schema on the wire is the one the built-in mapper describes, mapper or not.
    assertThat(backend.lastRequest().responseFormat())
        .isEqualTo(dev.llmclient.core.internal.schema.ResponseSchema.forType(Reading.class).format);
  }

  @Test
  void withoutItTheSameAnswerCannotBeBoundAndTheErrorSaysWhy() {
    ScriptedChatBackend backend =
        new ScriptedChatBackend()
            .enqueueContent(ANSWER)
            .enqueueContent(ANSWER)
            .enqueueContent(ANSWER);
    try (LlmClient llm = builder(backend).build()) {
      assertThatThrownBy(
              () -> llm.generate(List.of(Message.user("Weather in Oslo?")), Reading.class))
          .isInstanceOf(InvalidResponseException.class)
          .hasStackTraceContaining("Celsius");
    }
  }

  @Test
  void oneClientsMapperDoesNotLeakIntoAnotherClient() {
    ObjectMapper mapper = JsonMapper.builder().addModule(new CelsiusModule()).build();
    ScriptedChatBackend withMapper = new ScriptedChatBackend().enqueueContent(ANSWER);
    ScriptedChatBackend without =
        new ScriptedChatBackend()
            .enqueueContent(ANSWER)
            .enqueueContent(ANSWER)
            .enqueueContent(ANSWER);
    try (LlmClient a = builder(withMapper).objectMapper(mapper).build();
        LlmClient b = builder(without).build()) {
      assertThat(a.generate(List.of(Message.user("Oslo?")), Reading.class).city())
          .isEqualTo("Oslo");
      assertThatThrownBy(() -> b.generate(List.of(Message.user("Oslo?")), Reading.class))
          .isInstanceOf(InvalidResponseException.class);
    }
  }
}
