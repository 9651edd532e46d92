package dev.llmclient.testkit.contract;

import static dev.llmclient.testkit.contract.ContractSupport.await;
import static dev.llmclient.testkit.contract.ContractSupport.failure;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmclient.api.AuthenticationException;
import dev.llmclient.api.LlmConnectionException;
import dev.llmclient.api.LlmException;
import dev.llmclient.api.NotFoundException;
import dev.llmclient.api.RateLimitException;
import dev.llmclient.api.ServerException;
import dev.llmclient.api.spi.EmbeddingBackend;
import dev.llmclient.api.spi.EmbeddingRequest;
import dev.llmclient.api.spi.EmbeddingResult;
import dev.llmclient.testkit.simulator.Deployment;
import dev.llmclient.testkit.simulator.Fault;
import dev.llmclient.testkit.simulator.LlmSimulator;
import dev.llmclient.testkit.simulator.RecordedRequest;
import dev.llmclient.testkit.simulator.Route;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link EmbeddingBackend} must meet, checked on the wire against an {@link
 * LlmSimulator}: the fields it sends, vectors in input order equal to the simulator's deterministic
 * ones, and the exception type of each failure.
 *
 * <p>Extend it in a provider's tests exactly like {@link ChatBackendContractTest}: implement {@link
 * #createBackend} to build the embedding backend pointed at the simulator, with {@link
 * ContractSettings#model()} as its embedding model or deployment and {@link
 * ContractSettings#apiKey()} as its key. The backend may send {@code float} or {@code base64}
 * encoding; both must decode to the same vectors.
 *
 * <pre>{@code
 * class OpenAiEmbeddingContractTest extends EmbeddingBackendContractTest {
 *   @Override
 *   protected EmbeddingBackend createBackend(LlmSimulator sim, ContractSettings s) {
 *     return new OpenAiProvider().createEmbeddingBackend(ProviderSettings.of(Map.of(
 *         "OPENAI_BASE_URL", sim.openAiBaseUri().toString(),
 *         "OPENAI_API_KEY", s.apiKey(),
 *         "EMBEDDING_MODEL_NAME", s.model())));
 *   }
 * }
 * }</pre>
 */
public abstract class EmbeddingBackendContractTest {

  /** The key the simulator accepts. */
  public static final String API_KEY = ChatBackendContractTest.API_KEY;

  /** The embedding model (deployment) the simulator serves. */
  public static final String MODEL = "contract-embedding";

  /** The vector size of {@link #MODEL} when a request names none. */
  public static final int DEFAULT_DIMENSIONS = 256;

  private static final Duration CALL = Duration.ofSeconds(10);

  private @Nullable LlmSimulator simulator;
  private @Nullable EmbeddingBackend backend;

  /** Creates the test; subclasses need no constructor. */
  protected EmbeddingBackendContractTest() {}

  /**
   * Creates the backend under test, pointed at the simulator.
   *
   * @param simulator the running simulator
   * @param settings the key, model and timeout to use
   * @return a new backend; the kit closes it
   */
  protected abstract EmbeddingBackend createBackend(
      LlmSimulator simulator, ContractSettings settings);

  /**
   * Changes the simulator before it starts; the default changes nothing.
   *
   * @param builder the builder, already given the key and the model
   */
  protected void configureSimulator(LlmSimulator.Builder builder) {}

  /**
   * The settings the backend is created with.
   *
   * @return the settings
   */
  protected ContractSettings settings() {
    return new ContractSettings(API_KEY, MODEL, ChatBackendContractTest.RESPONSE_TIMEOUT);
  }

  /**
   * The simulator of the current test.
   *
   * @return the simulator
   */
  protected final LlmSimulator simulator() {
    LlmSimulator s = simulator;
    if (s == null) {
      throw new IllegalStateException("no simulator outside a test");
    }
    return s;
  }

  @BeforeEach
  final void startSimulatorAndBackend() {
    LlmSimulator.Builder b =
        LlmSimulator.builder()
            .apiKey(API_KEY)
            .deployment(Deployment.of(MODEL).withEmbeddingDimensions(DEFAULT_DIMENSIONS))
            .retryAfterMs(true);
    configureSimulator(b);
    simulator = b.start();
    backend = createBackend(simulator, settings());
  }

  @AfterEach
  final void closeBackendAndSimulator() {
    try {
      if (backend != null) {
        backend.close();
      }
    } finally {
      backend = null;
      if (simulator != null) {
        simulator.close();
      }
      simulator = null;
    }
  }

  private EmbeddingBackend backend() {
    EmbeddingBackend b = backend;
    if (b == null) {
      throw new IllegalStateException("no backend outside a test");
    }
    return b;
  }

  private LlmException fail(EmbeddingRequest r) {
    LlmException e = failure(backend().embed(r), CALL);
    assertThat(e.provider()).isNotBlank();
    assertThat(e.getMessage()).doesNotContain(API_KEY);
    return e;
  }

  private static EmbeddingRequest request(List<String> inputs, @Nullable Integer dimensions) {
    return new EmbeddingRequest(MODEL, inputs, dimensions, Map.of());
  }

  @Test
  void returnsOneDeterministicVectorPerInputInInputOrder() {
    EmbeddingResult result =
        await(backend().embed(request(List.of("alpha", "beta", "alpha"), 64)), CALL);

    assertThat(result.vectors()).hasSize(3);
    assertThat(result.vectors().get(0)).containsExactly(LlmSimulator.embeddingOf("alpha", 64));
    assertThat(result.vectors().get(1)).containsExactly(LlmSimulator.embeddingOf("beta", 64));
    assertThat(result.vectors().get(2)).containsExactly(result.vectors().get(0));
    assertThat(result.usage().inputTokens()).isPositive();
    assertThat(result.model()).isEqualTo(MODEL);
    assertThat(result.requestId()).isNotBlank();
  }

  @Test
  void sendsModelInputsAndDimensionsOnTheWire() {
    await(backend().embed(request(List.of("one", "two"), 32)), CALL);

    RecordedRequest wire = simulator().lastRequest();
    JsonNode body = wire.json();
    assertThat(wire.route()).isEqualTo(Route.EMBEDDINGS);
    assertThat(wire.deployment()).isEqualTo(MODEL);
    assertThat(body.path("input")).hasSize(2);
    assertThat(body.path("input").get(0).asText()).isEqualTo("one");
    assertThat(body.path("dimensions").asInt()).isEqualTo(32);
  }

  @Test
  void omitsDimensionsWhenNullAndGetsTheModelsSize() {
    EmbeddingResult result = await(backend().embed(request(List.of("x"), null)), CALL);

    assertThat(simulator().lastRequest().json().path("dimensions").isIntegralNumber()).isFalse();
    assertThat(result.vectors().get(0)).hasSize(DEFAULT_DIMENSIONS);
  }

  @Test
  void wrongKeyIsAnAuthenticationException() {
    try (EmbeddingBackend wrong =
        createBackend(simulator(), settings().withApiKey("wrong-embed-key"))) {
      LlmException e = failure(wrong.embed(request(List.of("x"), null)), CALL);

      assertThat(e).isInstanceOf(AuthenticationException.class);
      assertThat(e.httpStatus()).isEqualTo(401);
    }
  }

  @Test
  void unknownModelIsANotFoundException() {
    LlmException e = fail(new EmbeddingRequest("no-such-embedding", List.of("x"), null, Map.of()));

    assertThat(e).isInstanceOf(NotFoundException.class);
  }

  @Test
  void rateLimitAndServerErrorsKeepTheirTypes() {
    simulator().addFault(Fault.rateLimited(Duration.ofSeconds(1)).times(1));
    simulator().addFault(Fault.status(503).times(1));

    LlmException limited = fail(request(List.of("x"), null));
    LlmException server = fail(request(List.of("x"), null));

    assertThat(limited).isInstanceOf(RateLimitException.class);
    assertThat(((RateLimitException) limited).retryAfter()).isEqualTo(Duration.ofSeconds(1));
    assertThat(server).isInstanceOf(ServerException.class);
    assertThat(server.httpStatus()).isEqualTo(503);
  }

  @Test
  void connectionResetIsAnLlmConnectionException() {
    simulator().addFault(Fault.resetBeforeHeaders());

    assertThat(fail(request(List.of("x"), null))).isInstanceOf(LlmConnectionException.class);
  }
}
