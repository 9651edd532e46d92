package dev.llmclient.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SseParserTest {

  private final List<String> events = new ArrayList<>();
  private final SseParser parser =
      new SseParser(
          (data, length) -> events.add(new String(data, 0, length, StandardCharsets.UTF_8)), 64);

  private void feed(String text) throws Exception {
    parser.feed(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void eventsAreSplitOnBlankLinesWhateverTheLineEnding() throws Exception {
    feed("data: one\n\ndata: two\r\n\r\ndata: three\r\rdata:four\n\n");
    assertThat(events).containsExactly("one", "two", "three", "four");
  }

  @Test
  void eventsMayArriveOneByteAtATimeAndUtf8IsDecodedPerLine() throws Exception {
    byte[] bytes = "data: h\u00e9llo \u2603\n\n".getBytes(StandardCharsets.UTF_8);
    for (byte b : bytes) {
      parser.feed(ByteBuffer.wrap(new byte[] {b}));
    }
    assertThat(events).containsExactly("h\u00e9llo \u2603");
  }

  @Test
  void commentsAndOtherFieldsAreSkippedAndDataLinesAreJoined() throws Exception {
    feed(": keep-alive\n\nevent: message\nid: 7\nretry: 10\ndata: a\ndata: b\ndatax: no\n\n");
    assertThat(events).containsExactly("a\nb");
  }

  @Test
  void anEventWithoutTheBlankLineIsNotDispatched() throws Exception {
    feed("data: [DONE]");
    assertThat(events).isEmpty();
    feed("\n\n");
    assertThat(events).containsExactly("[DONE]");
  }

  @Test
  void anEndlessLineIsStoppedAtTheLimit() {
    assertThatThrownBy(() -> feed("data: " + "x".repeat(100)))
        .isInstanceOf(SseParser.EventTooLargeException.class)
        .hasMessageContaining("longer than 64 bytes");
  }

  @Test
  void aCrLfSplitBetweenTwoReadsEndsOneLineOnly() throws Exception {
    feed("data: a\r");
    feed("\ndata: b\r");
    feed("\n\r");
    feed("\n");
    assertThat(events).containsExactly("a\nb");
  }

  @Test
  void aMultiByteCharacterSplitBetweenReadsArrivesWhole() throws Exception {
    byte[] bytes = "data: \u2603\n\n".getBytes(StandardCharsets.UTF_8);
    parser.feed(ByteBuffer.wrap(bytes, 0, 7));
    parser.feed(ByteBuffer.wrap(bytes, 7, bytes.length - 7));
    assertThat(events).containsExactly("\u2603");
  }
}
