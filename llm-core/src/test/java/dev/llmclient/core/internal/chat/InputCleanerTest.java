package dev.llmclient.core.internal.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Graphiti's test_clean_input (13 cases) and the characters it deliberately keeps. */
class InputCleanerTest {

  static Stream<Arguments> graphitiCases() {
    return Stream.of(
        Arguments.of("plain text unchanged", "Hello World", "Hello World"),
        Arguments.of("NUL removed", "Hello\u0000World", "HelloWorld"),
        Arguments.of("form feed removed", "Hello\fWorld", "HelloWorld"),
        Arguments.of("EOT removed", "Hello\u0004World", "HelloWorld"),
        Arguments.of("newline kept", "Hello\nWorld", "Hello\nWorld"),
        Arguments.of("tab kept", "Hello\tWorld", "Hello\tWorld"),
        Arguments.of("carriage return kept", "Hello\rWorld", "Hello\rWorld"),
        Arguments.of("lone surrogate removed", "Hello\uD800World", "HelloWorld"),
        Arguments.of("zero width space removed", "Hello\u200BWorld", "HelloWorld"),
        Arguments.of("byte order mark removed", "Hello\uFEFFWorld", "HelloWorld"),
        Arguments.of("combined", "Hello\u200B\u0000\nWorld\uFEFF\u0004", "Hello\nWorld"),
        Arguments.of("empty stays empty", "", ""),
        Arguments.of(
            "JSON-like loses control characters",
            "{\"a\": \"b\fc\u0000d\u0004\"}",
            "{\"a\": \"bcd\"}"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("graphitiCases")
  void cleansLikeGraphiti(String name, String input, String expected) {
    assertThat(InputCleaner.clean(input)).isEqualTo(expected);
  }

  @Test
  void anEmptyStringStaysEmpty() {
    assertThat(InputCleaner.clean("")).isEmpty();
  }

  @Test
  void loneSurrogatesAreRemovedAndPairsKept() {
    assertThat(InputCleaner.clean("a\uD800b")).isEqualTo("ab");
    assertThat(InputCleaner.clean("a\uDC00b")).isEqualTo("ab");
    assertThat(InputCleaner.clean("end\uD83D")).isEqualTo("end");
    assertThat(InputCleaner.clean("\uDE00\uD83D")).isEmpty();
    assertThat(InputCleaner.clean("smile \uD83D\uDE00!")).isEqualTo("smile \uD83D\uDE00!");
  }

  @Test
  void theOtherInvisibleCharactersAreRemoved() {
    assertThat(InputCleaner.clean("a\u200Cb\u200Dc\u2060d")).isEqualTo("abcd");
  }

  @Test
  void charactersGraphitiKeepsAreKept() {
    String kept = "del\u007F c1\u0085 ls\u2028 lrm\u200E rlm\u200F shy\u00AD";
    assertThat(InputCleaner.clean(kept)).isSameAs(kept);
  }

  @Test
  void everyControlCharacterBelowSpaceExceptThreeIsRemoved() {
    StringBuilder all = new StringBuilder();
    for (char c = 0; c < 0x20; c++) {
      all.append(c);
    }
    assertThat(InputCleaner.clean(all.toString())).isEqualTo("\t\n\r");
  }

  @Test
  void cleanTextIsReturnedWithoutCopying() {
    String text = "nothing to do here \uD83D\uDE00";
    assertThat(InputCleaner.clean(text)).isSameAs(text);
  }
}
