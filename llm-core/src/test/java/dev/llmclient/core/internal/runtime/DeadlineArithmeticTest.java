package dev.llmclient.core.internal.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * A call's deadline is {@code now + deadline}, held at {@link Instant#MAX} when that would not fit:
 * the fast path taken on every call and the careful path near the end of time agree.
 */
class DeadlineArithmeticTest {

  @Test
  void anOrdinaryDeadlineIsNowPlusTheDuration() {
    Instant now = Instant.parse("2026-12-03T08:00:00.999999999Z");
    assertThat(TransportRetries.after(now, Duration.ofMinutes(10)))
        .isEqualTo(Instant.parse("2026-12-03T08:10:00.999999999Z"));
    assertThat(TransportRetries.after(now, Duration.ofNanos(1)))
        .isEqualTo(Instant.parse("2026-12-03T08:00:01Z"));
  }

  @Test
  void aDeadlineTooLongToAddIsHeldAtTheEndOfTime() {
    Instant now = Instant.parse("2026-12-03T08:00:00Z");
    assertThat(TransportRetries.after(now, Duration.ofSeconds(Long.MAX_VALUE)))
        .isEqualTo(Instant.MAX);
    Duration exactlyToMax = Duration.between(now, Instant.MAX);
    assertThat(TransportRetries.after(now, exactlyToMax)).isEqualTo(Instant.MAX);
    assertThat(TransportRetries.after(now, exactlyToMax.minusNanos(1)))
        .isEqualTo(Instant.MAX.minusNanos(1));
  }

  @Test
  void nearTheEndOfTimeTheSecondsAndNanosAreBothCounted() {
    Instant now = Instant.MAX.minusSeconds(2).minusNanos(500_000_000);
    assertThat(TransportRetries.after(now, Duration.ofSeconds(2)))
        .isEqualTo(Instant.MAX.minusNanos(500_000_000));
    assertThat(TransportRetries.after(now, Duration.ofSeconds(2).plusMillis(600)))
        .isEqualTo(Instant.MAX);
    assertThat(TransportRetries.after(now, Duration.ofSeconds(1).plusMillis(999)))
        .isEqualTo(Instant.MAX.minusMillis(501));
  }
}
