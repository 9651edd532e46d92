package dev.llmclient.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TokenLogprobTest {

  @Test
  void bytesAreOptionalAndCopied() {
    assertThat(new TokenLogprob("Hi", -0.1, List.of()).bytes()).isNull();

    List<Integer> bytes = new ArrayList<>(List.of(72, 105));
    TokenLogprob t = new TokenLogprob("Hi", -0.1, List.of(), bytes);
    bytes.add(33);

    assertThat(t.bytes()).containsExactly(72, 105);
    assertThatThrownBy(() -> t.bytes().add(1)).isInstanceOf(UnsupportedOperationException.class);
    assertThat(t).isEqualTo(new TokenLogprob("Hi", -0.1, List.of(), List.of(72, 105)));
    assertThat(t).isNotEqualTo(new TokenLogprob("Hi", -0.1, List.of()));
  }

  @Test
  void aByteOutsideZeroTo255IsRejectedWithTheValue() {
    assertThatThrownBy(() -> new TokenLogprob("x", 0, List.of(), List.of(120, 256)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("0 to 255")
        .hasMessageContaining("256");
    assertThatThrownBy(() -> new TokenLogprob("x", 0, List.of(), List.of(-1)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
