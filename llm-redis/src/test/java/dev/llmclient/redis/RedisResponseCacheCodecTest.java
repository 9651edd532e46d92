package dev.llmclient.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** How answers are stored: compact, exact, and rejected when they are not ours. */
class RedisResponseCacheCodecTest {

  @Test
  void shortAnswersAreStoredAsUtf8BehindOneMarkerByte() {
    String answer = "{\"name\":\"Ada Lovelace\",\"note\":\"été 🚀\"}";
    byte[] stored = RedisResponseCache.encode(answer, 1024);
    assertThat(stored).hasSize(answer.getBytes(StandardCharsets.UTF_8).length + 1);
    assertThat(stored[0]).isEqualTo((byte) 'r');
    assertThat(RedisResponseCache.decode(stored)).isEqualTo(answer);
  }

  @Test
  void longAnswersAreDeflatedWhenThatIsSmallerAndComeBackExactly() {
    String answer = "{\"people\":[" + "{\"name\":\"Ada\",\"born\":1815},".repeat(200) + "{}]}";
    byte[] stored = RedisResponseCache.encode(answer, 1024);
    assertThat(stored[0]).isEqualTo((byte) 'z');
    assertThat(stored.length).isLessThan(answer.length() / 10);
    assertThat(RedisResponseCache.decode(stored)).isEqualTo(answer);

    // incompressible text above the threshold stays raw
    StringBuilder noise = new StringBuilder();
    java.util.Random random = new java.util.Random(7);
    for (int i = 0; i < 3000; i++) {
      noise.append((char) (0x4e00 + random.nextInt(20_000)));
    }
    byte[] raw = RedisResponseCache.encode(noise.toString(), 16);
    assertThat(RedisResponseCache.decode(raw)).isEqualTo(noise.toString());
  }

  @Test
  void bytesThisCacheDidNotWriteAreAMiss() {
    assertThat(RedisResponseCache.decode(new byte[0])).isNull();
    assertThat(RedisResponseCache.decode("{\"a\":1}".getBytes(StandardCharsets.UTF_8))).isNull();
    assertThat(RedisResponseCache.decode(new byte[] {'z', 1, 2, 3})).isNull();
    byte[] cut = RedisResponseCache.encode("x".repeat(5000), 10);
    assertThat(RedisResponseCache.decode(java.util.Arrays.copyOf(cut, cut.length / 2))).isNull();
  }

  @Test
  void buildersRefuseValuesOutOfRangeSayingWhatIsAllowedAndNeverRepeatAPassword() {
    assertThatThrownBy(() -> RedisResponseCache.builder().prefix("my app"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("1 to 100 letters, digits or ':._-'");
    assertThatThrownBy(() -> RedisBudgetStore.builder().timeout(Duration.ZERO))
        .hasMessageContaining("timeout must be 1 ms to 10000 ms");
    assertThatThrownBy(() -> RedisBudgetStore.builder().fallbackShare(0))
        .hasMessageContaining("1.0 / replicas");
    assertThatThrownBy(() -> RedisResponseCache.builder().maxEntries(0))
        .hasMessageContaining("maxEntries must be 1 to 100,000,000");
    assertThatThrownBy(() -> RedisBudgetStore.builder().uri("http://:hunter2@host"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("redis://")
        .hasMessageNotContaining("hunter2");
  }
}
