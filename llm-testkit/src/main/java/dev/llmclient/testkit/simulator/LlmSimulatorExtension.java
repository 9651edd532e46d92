package dev.llmclient.testkit.simulator;

import java.util.Objects;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Runs an {@link LlmSimulator} around JUnit 5 tests.
 *
 * <p>In a {@code static} field the simulator starts once for the class and is {@link
 * LlmSimulator#reset() reset} before each test (recordings, counters, faults and windows back to
 * the configuration); in an instance field it starts and stops around each test. Test and lifecycle
 * methods can also take an {@link LlmSimulator} parameter.
 *
 * <pre>{@code
 * @RegisterExtension
 * static LlmSimulatorExtension sim = LlmSimulatorExtension.create(b -> b.apiKey("k").deployment("gpt-4o"));
 *
 * @Test
 * void answers() {
 *   URI base = sim.simulator().openAiBaseUri();
 *   ...
 * }
 * }</pre>
 */
public final class LlmSimulatorExtension
    implements BeforeAllCallback,
        AfterAllCallback,
        BeforeEachCallback,
        AfterEachCallback,
        ParameterResolver {

  private final Consumer<LlmSimulator.Builder> configuration;
  private @Nullable LlmSimulator simulator;
  private boolean perClass;

  private LlmSimulatorExtension(Consumer<LlmSimulator.Builder> configuration) {
    this.configuration = configuration;
  }

  /**
   * An extension whose simulator has the default configuration.
   *
   * @return the extension
   */
  public static LlmSimulatorExtension create() {
    return new LlmSimulatorExtension(b -> {});
  }

  /**
   * An extension whose simulator the given code configures before it starts.
   *
   * @param configuration changes the builder, e.g. {@code b -> b.apiKey("k")}
   * @return the extension
   */
  public static LlmSimulatorExtension create(Consumer<LlmSimulator.Builder> configuration) {
    return new LlmSimulatorExtension(Objects.requireNonNull(configuration, "configuration"));
  }

  /**
   * The running simulator.
   *
   * @return the simulator
   * @throws IllegalStateException outside a test, or when the extension is not registered
   */
  public LlmSimulator simulator() {
    LlmSimulator s = simulator;
    if (s == null) {
      throw new IllegalStateException(
          "The simulator runs only during tests; register this extension with @RegisterExtension");
    }
    return s;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    perClass = true;
    simulator = start();
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    LlmSimulator s = simulator;
    if (s == null) {
      perClass = false;
      simulator = start();
    } else {
      s.reset();
    }
  }

  @Override
  public void afterEach(ExtensionContext context) {
    if (!perClass) {
      stop();
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    stop();
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == LlmSimulator.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return simulator();
  }

  private LlmSimulator start() {
    LlmSimulator.Builder builder = LlmSimulator.builder();
    configuration.accept(builder);
    return builder.start();
  }

  private void stop() {
    LlmSimulator s = simulator;
    simulator = null;
    if (s != null) {
      s.close();
    }
  }
}
