package dev.llmclient.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class InputRecordTest {

  @Test
  void aRecordWithIdAndTextIsKeyedByItsId() {
    InputRecord r = InputRecord.parse(7, "{\"id\":\"rec-7\",\"text\":\"Ada\"}", "id", "text");

    assertThat(r.id()).isEqualTo("rec-7");
    assertThat(r.text()).isEqualTo("Ada");
    assertThat(r.problem()).isNull();
    assertThat(InputRecord.key(r.id(), r.line(), false)).isEqualTo("rec-7");
  }

  @Test
  void aNumericIdIsUsedAsText() {
    InputRecord r = InputRecord.parse(1, "{\"id\":42,\"text\":\"Ada\"}", "id", "text");

    assertThat(r.id()).isEqualTo("42");
  }

  @Test
  void aRecordWithoutIdIsKeyedByItsLineNumber() {
    InputRecord r = InputRecord.parse(12, "{\"text\":\"Ada\"}", "id", "text");

    assertThat(r.id()).isNull();
    assertThat(InputRecord.key(r.id(), r.line(), false)).isEqualTo("line:12");
  }

  @Test
  void aDuplicateIdIsKeyedByItsLineNumber() {
    assertThat(InputRecord.key("rec-1", 9, true)).isEqualTo("line:9");
  }

  @Test
  void otherFieldNamesCanBeChosen() {
    InputRecord r = InputRecord.parse(1, "{\"key\":\"k\",\"body\":\"Ada\"}", "key", "body");

    assertThat(r.id()).isEqualTo("k");
    assertThat(r.text()).isEqualTo("Ada");
  }

  @Test
  void invalidJsonIsMalformedWithTheParserReason() {
    InputRecord r = InputRecord.parse(3, "{\"id\":\"x\",\"text\":", "id", "text");

    assertThat(r.text()).isNull();
    assertThat(r.problem()).startsWith("not valid JSON (");
  }

  @Test
  void aJsonValueThatIsNotAnObjectIsMalformed() {
    assertThat(InputRecord.parse(3, "[1,2]", "id", "text").problem())
        .isEqualTo("not a JSON object");
    assertThat(InputRecord.parse(3, "\"text\"", "id", "text").problem())
        .isEqualTo("not a JSON object");
  }

  @Test
  void aRecordWithoutTextIsMalformedButKeepsItsId() {
    InputRecord r = InputRecord.parse(5, "{\"id\":\"rec-5\",\"body\":\"Ada\"}", "id", "text");

    assertThat(r.id()).isEqualTo("rec-5");
    assertThat(r.problem()).isEqualTo("has no \"text\" string field");
  }

  @Test
  void aBlankTextIsMalformed() {
    assertThat(InputRecord.parse(5, "{\"text\":\"  \"}", "id", "text").problem())
        .isEqualTo("has an empty \"text\" field");
  }

  @Test
  void anIdThatLooksLikeALineKeyNeverSharesTheKeyOfTheRecordWithoutIdOnThatLine() {
    assertThat(InputRecord.key("line:3", 1, false)).isNotEqualTo(InputRecord.key(null, 3, false));
    assertThat(InputRecord.key("line:3", 1, false)).isEqualTo("\\line:3");
    assertThat(InputRecord.key("\\line:3", 1, false)).isEqualTo("\\\\line:3");
    assertThat(InputRecord.key("\\x", 1, false)).isNotEqualTo(InputRecord.key("x", 1, false));
    assertThat(InputRecord.key("lines", 1, false)).isEqualTo("lines");
  }

  @Test
  void anUnreadableLineIsMalformedWithItsProblem() {
    InputRecord r = InputRecord.unreadable(4, "not valid UTF-8 (...)");

    assertThat(r.line()).isEqualTo(4);
    assertThat(r.id()).isNull();
    assertThat(r.text()).isNull();
    assertThat(r.problem()).isEqualTo("not valid UTF-8 (...)");
  }
}
