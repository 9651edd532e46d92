package dev.llmclient.testkit.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class FaultParseTest {

  @Test
  void aFaultSpecIsAKindInAnyCaseWithAnOptionalProbability() {
    assertThat(Fault.parse("SERVICE_UNAVAILABLE_503").kind())
        .isEqualTo(Fault.Kind.SERVICE_UNAVAILABLE_503);
    assertThat(Fault.parse(" rate_limited_429 ").duration()).isEqualTo(Duration.ofSeconds(1));
    assertThat(Fault.parse("server_error_500:0.25").toString())
        .isEqualTo("Fault[SERVER_ERROR_500, probability=0.25]");
  }

  @Test
  void aBadFaultSpecSaysWhatIsAllowed() {
    assertThatThrownBy(() -> Fault.parse("TEAPOT_418"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("unknown kind 'TEAPOT_418'; use one of [SERVER_ERROR_500,");
    assertThatThrownBy(() -> Fault.parse("SERVER_ERROR_500:1.5"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("probability of SERVER_ERROR_500 must be between 0 and 1, got '1.5'");
    assertThatThrownBy(() -> Fault.parse("SERVER_ERROR_500:often"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("probability of SERVER_ERROR_500 must be between 0 and 1, got 'often'");
  }

  @Test
  void bothCommandLinesReadFaultsWithTheSameParser() {
    LlmSimulator.Builder b = SimulatorMain.parse(new String[] {"--fault", "bad_gateway_502:0.5"});

    assertThat(b).isNotNull();
    assertThat(b.faults)
        .extracting(Fault::toString)
        .containsExactly(Fault.parse("BAD_GATEWAY_502:0.5").toString());
    assertThatThrownBy(() -> SimulatorMain.parse(new String[] {"--fault", "NOPE"}))
        .hasMessageStartingWith("--fault: unknown kind 'NOPE'; use one of [");
  }
}
