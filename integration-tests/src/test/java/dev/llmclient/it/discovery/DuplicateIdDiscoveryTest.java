package dev.llmclient.it.discovery;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmclient.api.LlmConfigurationException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Runs in the Surefire execution {@code discovery-duplicate}: the fake provider plus {@link
 * DuplicateFakeProvider}, which claims the same id.
 */
class DuplicateIdDiscoveryTest {

  private static final String MESSAGE =
      "Two LLM providers on the classpath have the id 'fake':"
          + " dev.llmclient.it.discovery.DuplicateFakeProvider and"
          + " dev.llmclient.testkit.FakeLlmProvider. Remove one of the jars."
          + " [llmclient: duplicate-provider]";

  @Test
  void twoProvidersWithOneIdAreAnErrorNamingBothClasses() {
    assertThatThrownBy(() -> Discovery.build(Map.of()))
        .isExactlyInstanceOf(LlmConfigurationException.class)
        .hasMessage(MESSAGE);
  }

  @Test
  void theDuplicateIsReportedEvenWhenTheIdIsSelectedExplicitly() {
    assertThatThrownBy(() -> Discovery.build("fake", Map.of()))
        .isExactlyInstanceOf(LlmConfigurationException.class)
        .hasMessage(MESSAGE);
  }
}
