package dev.llmclient.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TerminalTextTest {

  @Test
  void plainTextNewlinesAndTabsAreKept() {
    String text = "Ada Lovelace\n\tand Charles Babbage, ü, 中文, 🙂";

    assertThat(TerminalText.safe(text)).isSameAs(text);
  }

  @Test
  void escapeSequencesAndOtherControlsBecomeVisibleEscapes() {
    assertThat(TerminalText.safe("a\u001b[31mred\u001b]0;title\u0007\r\u0000\u007f"))
        .isEqualTo("a\\x1b[31mred\\x1b]0;title\\x07\\x0d\\x00\\x7f");
  }

  @Test
  void eightBitControlsAndBidirectionalOverridesBecomeVisibleEscapes() {
    assertThat(TerminalText.safe("\u009b31m \u009d0;t\u009c \u202eevil\u2066"))
        .isEqualTo("\\u009b31m \\u009d0;t\\u009c \\u202eevil\\u2066");
  }

  @Test
  void nullIsShownAsNull() {
    assertThat(TerminalText.safe(null)).isEqualTo("null");
  }

  @Test
  void jsonWrittenByTheCommandEscapesTheSameCharactersAndKeepsTheValue() throws Exception {
    String value = "x\u001b[2J\u009b31m\u007f\u202e\u2028y";

    String json = Json.write(java.util.Map.of("v", value));

    assertThat(json).isEqualTo("{\"v\":\"x\\u001B[2J\\u009B31m\\u007F\\u202E\u2028y\"}");
    assertThat(Json.mapper().readTree(json).get("v").asText()).isEqualTo(value);
  }
}
