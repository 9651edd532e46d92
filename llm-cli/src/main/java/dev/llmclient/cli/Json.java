package dev.llmclient.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** The one Jackson mapper, created on first use so that {@code llm --version} never loads it. */
final class Json {

  private Json() {}

  private static final class Holder {
    static final ObjectMapper MAPPER = create();
  }

  private static ObjectMapper create() {
    ObjectMapper mapper = new ObjectMapper();
    mapper.getFactory().setCharacterEscapes(new TerminalSafeEscapes());
    return mapper;
  }

  static ObjectMapper mapper() {
    return Holder.MAPPER;
  }

  /**
   * One line of JSON. Besides the control characters JSON always escapes, DEL, the C1 controls and
   * the bidirectional overrides are written as {@code \}{@code uXXXX} escapes: the value read back
   * is exactly the same, and the line is safe to show on a terminal ({@link TerminalText}).
   */
  static String write(Object value) {
    try {
      return Holder.MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException("cannot write JSON: " + e.getOriginalMessage(), e);
    }
  }

  /** Reads back a JSON string that {@link #write} wrote. */
  static String readString(String json) {
    try {
      return Holder.MAPPER.readValue(json, String.class);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException("cannot read JSON: " + e.getOriginalMessage(), e);
    }
  }

  /** JSON's standard escapes plus every character {@link TerminalText#isUnsafe} names. */
  private static final class TerminalSafeEscapes extends CharacterEscapes {
    private static final long serialVersionUID = 1L;

    private final int[] ascii;

    TerminalSafeEscapes() {
      ascii = standardAsciiEscapesForJSON();
      ascii[0x7f] = ESCAPE_STANDARD;
    }

    @Override
    public int[] getEscapeCodesForAscii() {
      return ascii;
    }

    @Override
    public @Nullable SerializableString getEscapeSequence(int ch) {
      if (ch <= 0xffff && TerminalText.isUnsafe((char) ch)) {
        return new SerializedString(String.format(Locale.ROOT, "\\u%04X", ch));
      }
      return null;
    }
  }
}
