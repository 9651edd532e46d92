package dev.llmclient.core.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmclient.api.AuthenticationException;
import dev.llmclient.api.InvalidRequestException;
import dev.llmclient.api.NotFoundException;
import dev.llmclient.api.RateLimitException;
import dev.llmclient.api.ServerException;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class CircuitBreakerPolicyTest {

  @Test
  void theDefaultsAreThoseThePoolDocuments() {
    CircuitBreakerPolicy p = CircuitBreakerPolicy.getDefault();

    assertThat(p.failureRateThreshold()).isEqualTo(50f);
    assertThat(p.slowCallRateThreshold()).isEqualTo(100f);
    assertThat(p.slowCallDuration()).isEqualTo(Duration.ofSeconds(120));
    assertThat(p.window()).isEqualTo(20);
    assertThat(p.minimumCalls()).isEqualTo(10);
    assertThat(p.openDuration()).isEqualTo(Duration.ofSeconds(30));
    assertThat(p.probeCalls()).isEqualTo(3);
    assertThat(CircuitBreakerPolicy.builder().build()).isEqualTo(p).hasSameHashCodeAs(p);
  }

  @Test
  void toBuilderKeepsEveryValueAndAChangeMakesANewPolicy() {
    CircuitBreakerPolicy p =
        CircuitBreakerPolicy.builder()
            .failureRateThreshold(25)
            .slowCallRateThreshold(60)
            .slowCallDuration(Duration.ofSeconds(7))
            .window(8)
            .minimumCalls(4)
            .openDuration(Duration.ofSeconds(12))
            .probeCalls(2)
            .build();

    assertThat(p.toBuilder().build()).isEqualTo(p);
    CircuitBreakerPolicy longer = p.toBuilder().openDuration(Duration.ofMinutes(1)).build();
    assertThat(longer).isNotEqualTo(p);
    assertThat(longer.openDuration()).isEqualTo(Duration.ofMinutes(1));
    assertThat(p.openDuration()).isEqualTo(Duration.ofSeconds(12));
    assertThat(p.toString()).contains("window=8", "minimumCalls=4", "probeCalls=2");
  }

  @Test
  void theResilience4jConfigCarriesEveryValue() {
    CircuitBreakerPolicy p =
        CircuitBreakerPolicy.builder()
            .failureRateThreshold(25)
            .slowCallRateThreshold(60)
            .slowCallDuration(Duration.ofSeconds(7))
            .window(8)
            .minimumCalls(4)
            .openDuration(Duration.ofSeconds(12))
            .probeCalls(2)
            .build();

    CircuitBreakerConfig c = p.toConfig(Clock.systemUTC());

    assertThat(c.getFailureRateThreshold()).isEqualTo(25f);
    assertThat(c.getSlowCallRateThreshold()).isEqualTo(60f);
    assertThat(c.getSlowCallDurationThreshold()).isEqualTo(Duration.ofSeconds(7));
    assertThat(c.getSlidingWindowSize()).isEqualTo(8);
    assertThat(c.getMinimumNumberOfCalls()).isEqualTo(4);
    assertThat(c.getPermittedNumberOfCallsInHalfOpenState()).isEqualTo(2);
    assertThat(c.getSlidingWindowType())
        .isEqualTo(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED);
  }

  @Test
  void outagesAndMisconfigurationCountAsFailuresButThrottlingAndBadRequestsDoNot() {
    assertThat(CircuitBreakerPolicy.countsAsFailure(new ServerException("503"))).isTrue();
    assertThat(CircuitBreakerPolicy.countsAsFailure(new AuthenticationException("401"))).isTrue();
    assertThat(CircuitBreakerPolicy.countsAsFailure(new NotFoundException("404"))).isTrue();
    assertThat(CircuitBreakerPolicy.countsAsFailure(new IllegalStateException("bug"))).isTrue();
    assertThat(CircuitBreakerPolicy.countsAsFailure(new RateLimitException("429"))).isFalse();
    assertThat(CircuitBreakerPolicy.countsAsFailure(new InvalidRequestException("400"))).isFalse();
  }

  @Test
  void buildRejectsOutOfRangeValuesSayingWhatIsAllowed() {
    assertThatThrownBy(() -> CircuitBreakerPolicy.builder().failureRateThreshold(0).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("failureRateThreshold must be a percentage more than 0");
    assertThatThrownBy(() -> CircuitBreakerPolicy.builder().slowCallRateThreshold(101).build())
        .hasMessageContaining("slowCallRateThreshold must be a percentage");
    assertThatThrownBy(() -> CircuitBreakerPolicy.builder().slowCallDuration(Duration.ZERO).build())
        .hasMessageContaining("slowCallDuration must be positive");
    assertThatThrownBy(() -> CircuitBreakerPolicy.builder().window(0).build())
        .hasMessageContaining("window must be 1 to 10,000");
    assertThatThrownBy(() -> CircuitBreakerPolicy.builder().window(4).minimumCalls(5).build())
        .hasMessageContaining("minimumCalls must be 1 to the window (4), got 5");
    assertThatThrownBy(
            () -> CircuitBreakerPolicy.builder().openDuration(Duration.ofSeconds(-1)).build())
        .hasMessageContaining("openDuration must be positive");
    assertThatThrownBy(() -> CircuitBreakerPolicy.builder().probeCalls(101).build())
        .hasMessageContaining("probeCalls must be 1 to 100");
  }
}
