package dev.llmclient.testkit.simulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the simulator decided to send for one request: status, headers, the body in timed pieces,
 * and how the exchange ends. Built on an I/O thread, then played out on timers.
 */
final class Reply {

  static final ObjectMapper MAPPER = new ObjectMapper();

  /** A piece of body, sent {@code delayMillis} after the previous piece (or the headers). */
  record Chunk(byte[] bytes, long delayMillis) {}

  /** How the exchange ends once the pieces are sent. */
  enum Ending {
    /** The body ends normally. */
    COMPLETE,
    /** The connection is reset (RST) after the pieces. */
    RESET
  }

  final int status;
  final String contentType;
  final Map<String, String> headers = new LinkedHashMap<>();

  /** Headers sent after {@link #headers}, repeated names allowed (raw replies). */
  final List<Map.Entry<String, String>> extraHeaders = new ArrayList<>();

  final List<Chunk> chunks = new ArrayList<>();
  long headerDelayMillis;
  boolean streaming;
  boolean resetBeforeHeaders;
  Ending ending = Ending.COMPLETE;
  long declaredLength = -1;

  Reply(int status, String contentType) {
    this.status = status;
    this.contentType = contentType;
  }

  static Reply json(int status, JsonNode body) {
    try {
      return bytes(status, "application/json", MAPPER.writeValueAsBytes(body));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** An error in the service's JSON shape; a 401 also challenges for a bearer token. */
  static Reply error(int status, JsonNode body) {
    Reply r = json(status, body);
    if (status == 401) {
      r.header("www-authenticate", "Bearer");
    }
    return r;
  }

  static Reply bytes(int status, String contentType, byte[] body) {
    Reply r = new Reply(status, contentType);
    r.chunks.add(new Chunk(body, 0));
    return r;
  }

  static Reply text(int status, String contentType, String body) {
    return bytes(status, contentType, body.getBytes(StandardCharsets.UTF_8));
  }

  static Reply reset(long delayMillis) {
    Reply r = new Reply(0, "");
    r.resetBeforeHeaders = true;
    r.headerDelayMillis = delayMillis;
    return r;
  }

  /** Plays a test's {@link RawReply}: its status, headers and bytes, after its delay. */
  static Reply raw(RawReply raw) {
    long delayMillis = raw.delay().toMillis();
    if (raw.isReset()) {
      return reset(delayMillis);
    }
    // The Content-Type goes out verbatim as a header (an empty contentType tells the exchange
    // handler not to add its own), so a test controls its exact bytes.
    Reply r = bytes(raw.status(), "", raw.bodyBytes());
    r.headerDelayMillis = delayMillis;
    r.extraHeaders.add(Map.entry("Content-Type", raw.contentType()));
    for (Map.Entry<String, String> h : raw.headers()) {
      if (!h.getKey().equalsIgnoreCase("content-type")) {
        r.extraHeaders.add(h);
      }
    }
    return r;
  }

  Reply header(String name, String value) {
    headers.put(name, value);
    return this;
  }

  byte[] body() {
    int n = 0;
    for (Chunk c : chunks) {
      n += c.bytes().length;
    }
    byte[] all = new byte[n];
    int at = 0;
    for (Chunk c : chunks) {
      System.arraycopy(c.bytes(), 0, all, at, c.bytes().length);
      at += c.bytes().length;
    }
    return all;
  }

  /** The Content-Length to announce, or -1 for chunked transfer. */
  long contentLength() {
    if (streaming) {
      return -1;
    }
    return declaredLength >= 0 ? declaredLength : body().length;
  }
}
