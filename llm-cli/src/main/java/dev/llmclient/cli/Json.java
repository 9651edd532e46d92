package dev.llmclient.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;

/** The one Jackson mapper, created on first use so that {@code llm --version} never loads it. */
final class Json {

  private Json() {}

  private static final class Holder {
    static final ObjectMapper MAPPER = new ObjectMapper();
  }

  static ObjectMapper mapper() {
    return Holder.MAPPER;
  }

  /** One line of JSON. */
  static String write(Object value) {
    try {
      return Holder.MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException("cannot write JSON: " + e.getOriginalMessage(), e);
    }
  }
}
