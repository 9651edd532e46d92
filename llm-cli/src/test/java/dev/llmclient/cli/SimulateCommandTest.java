package dev.llmclient.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmclient.testkit.simulator.Fault;
import org.junit.jupiter.api.Test;

class SimulateCommandTest {

  @Test
  void aFaultIsAKindWithAnOptionalProbability() {
    assertThat(SimulateCommand.fault("rate_limited_429").kind())
        .isEqualTo(Fault.Kind.RATE_LIMITED_429);
    assertThat(SimulateCommand.fault("SERVER_ERROR_500:0.25").toString())
        .contains("probability=0.25");
  }

  @Test
  void anUnknownKindListsTheKnownOnes() {
    assertThatThrownBy(() -> SimulateCommand.fault("TEAPOT_418"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown kind 'TEAPOT_418'")
        .hasMessageContaining("RATE_LIMITED_429");
  }

  @Test
  void aProbabilityOutOfRangeIsRejected() {
    assertThatThrownBy(() -> SimulateCommand.fault("SERVER_ERROR_500:2"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("between 0 and 1");
  }
}
