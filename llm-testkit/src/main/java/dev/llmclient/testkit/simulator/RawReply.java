package dev.llmclient.testkit.simulator;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * An exact reply for the simulator to send instead of computing one: a status, headers and body
 * bytes of your choosing, optionally after a delay, or a connection reset. Use it when a test needs
 * a shape the simulator does not produce by itself.
 *
 * <pre>{@code
 * sim.enqueueRaw(RawReply.json(429, "{\"error\":{\"code\":\"429\"}}")
 *     .header("Retry-After", "7")
 *     .after(Duration.ofMillis(200)));
 * sim.respond(r -> r.route() == Route.EMBEDDINGS, r -> RawReply.text(503, "text/plain", "busy"));
 * }</pre>
 *
 * <p>Immutable: {@link #header(String, String)} and {@link #after(Duration)} return copies, so one
 * instance can be shared by many rules and threads. The simulator frames the body itself, so {@code
 * Content-Length} and {@code Transfer-Encoding} cannot be set; a {@code Content-Type} set with
 * {@link #header(String, String)} replaces the one given to the factory.
 */
public final class RawReply {

  private static final Set<String> FRAMING_HEADERS =
      Set.of(
          "content-length",
          "transfer-encoding",
          "connection",
          "keep-alive",
          "upgrade",
          "proxy-connection");

  /** Longer than any test would wait, and far from overflowing the timer's milliseconds. */
  private static final Duration MAX_DELAY = Duration.ofDays(1);

  private final int status;
  private final String contentType;
  private final byte[] body;
  private final List<Map.Entry<String, String>> headers;
  private final Duration delay;
  private final boolean reset;

  private RawReply(
      int status,
      String contentType,
      byte[] body,
      List<Map.Entry<String, String>> headers,
      Duration delay,
      boolean reset) {
    this.status = status;
    this.contentType = contentType;
    this.body = body;
    this.headers = List.copyOf(headers);
    this.delay = delay;
    this.reset = reset;
  }

  /**
   * A JSON reply with {@code Content-Type: application/json}.
   *
   * @param status the final HTTP status, 200 to 599 (204 and 304 only with an empty body)
   * @param body the body, sent as UTF-8 exactly as given (it need not be valid JSON)
   * @return the reply
   */
  public static RawReply json(int status, String body) {
    return text(status, "application/json", body);
  }

  /**
   * A text reply.
   *
   * @param status the final HTTP status, 200 to 599 (204 and 304 only with an empty body)
   * @param contentType the {@code Content-Type} value, e.g. {@code text/html; charset=utf-8}
   * @param body the body, sent as UTF-8
   * @return the reply
   */
  public static RawReply text(int status, String contentType, String body) {
    return bytes(
        status, contentType, Objects.requireNonNull(body, "body").getBytes(StandardCharsets.UTF_8));
  }

  /**
   * A reply with exactly these body bytes.
   *
   * @param status the final HTTP status, 200 to 599 (204 and 304 only with an empty body)
   * @param contentType the {@code Content-Type} value
   * @param body the body bytes (copied)
   * @return the reply
   */
  public static RawReply bytes(int status, String contentType, byte[] body) {
    Objects.requireNonNull(contentType, "contentType");
    Objects.requireNonNull(body, "body");
    if (contentType.indexOf('\r') >= 0 || contentType.indexOf('\n') >= 0) {
      throw new IllegalArgumentException("A Content-Type cannot contain CR or LF: " + contentType);
    }
    if (status < 200 || status > 599) {
      throw new IllegalArgumentException(
          "A raw reply's status must be a final status between 200 and 599, got "
              + status
              + "; use RawReply.reset() to drop the connection instead");
    }
    if ((status == 204 || status == 304) && body.length > 0) {
      throw new IllegalArgumentException(
          "A " + status + " reply has no body; pass an empty body, or use another status");
    }
    if (contentType.isBlank()) {
      throw new IllegalArgumentException(
          "A raw reply needs a Content-Type, e.g. application/json or text/plain");
    }
    return new RawReply(status, contentType, body.clone(), List.of(), Duration.ZERO, false);
  }

  /**
   * Resets the connection (TCP RST) before any byte of a response is sent, as a crashed proxy does;
   * over h2c every stream on that connection fails. Combine with {@link #after(Duration)} to reset
   * after a while.
   *
   * @return the reply
   */
  public static RawReply reset() {
    return new RawReply(0, "", new byte[0], List.of(), Duration.ZERO, true);
  }

  /**
   * A copy with one more header; call it again to add more, or to repeat a name. Setting {@code
   * x-request-id} or {@code apim-request-id} stops the simulator adding its own.
   *
   * @param name the header name
   * @param value the header value
   * @return the copy
   * @throws IllegalArgumentException for {@code Content-Length}, {@code Transfer-Encoding}, {@code
   *     Connection}, {@code Keep-Alive}, {@code Upgrade} or {@code Proxy-Connection}, which belong
   *     to the connection the simulator manages (HTTP/2 forbids them), or for a malformed name or
   *     value
   * @throws IllegalStateException on a {@link #reset()} reply, which sends no headers
   */
  public RawReply header(String name, String value) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(value, "value");
    if (reset) {
      throw new IllegalStateException(
          "A reset reply sends no headers; use RawReply.json/text/bytes for a reply with headers");
    }
    if (name.isEmpty() || !name.chars().allMatch(RawReply::isTokenChar)) {
      throw new IllegalArgumentException("Not a valid HTTP header name: '" + name + "'");
    }
    if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
      throw new IllegalArgumentException(
          "A header value cannot contain CR or LF; header " + name + " has one");
    }
    if (FRAMING_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
      throw new IllegalArgumentException(
          "The simulator frames the body itself and sets "
              + name
              + "; to send a cut-off body use Fault.Kind.TRUNCATED_JSON or a mid-body reset fault");
    }
    List<Map.Entry<String, String>> more = new ArrayList<>(headers);
    more.add(new AbstractMap.SimpleImmutableEntry<>(name, value));
    return new RawReply(status, contentType, body, more, delay, reset);
  }

  /**
   * A copy sent after {@code delay}: the simulator holds the request on its timer (no thread
   * sleeps), then sends the reply or resets the connection.
   *
   * @param delay how long to wait before the first byte, zero to one day
   * @return the copy
   * @throws IllegalArgumentException for a negative delay or one longer than a day
   */
  public RawReply after(Duration delay) {
    Objects.requireNonNull(delay, "delay");
    if (delay.isNegative() || delay.compareTo(MAX_DELAY) > 0) {
      throw new IllegalArgumentException(
          "A raw reply's delay must be between zero and one day, got " + delay);
    }
    return new RawReply(status, contentType, body, headers, delay, reset);
  }

  /**
   * The HTTP status, or 0 for a {@link #reset()} reply.
   *
   * @return the status
   */
  public int status() {
    return status;
  }

  /**
   * The body as UTF-8 text; empty for a reset.
   *
   * @return the body
   */
  public String body() {
    return new String(body, StandardCharsets.UTF_8);
  }

  /**
   * The body bytes exactly as sent; empty for a reset.
   *
   * @return a copy of the bytes
   */
  public byte[] bodyBytes() {
    return body.clone();
  }

  /**
   * The {@code Content-Type} sent: the last one set with {@link #header(String, String)}, else the
   * factory's; empty for a reset.
   *
   * @return the content type
   */
  public String contentType() {
    String type = contentType;
    for (Map.Entry<String, String> h : headers) {
      if (h.getKey().equalsIgnoreCase("content-type")) {
        type = h.getValue();
      }
    }
    return type;
  }

  /**
   * The headers added with {@link #header(String, String)}, in order, repeated names included (the
   * factory's {@code Content-Type} is not among them; see {@link #contentType()}).
   *
   * @return an unmodifiable list of name/value pairs
   */
  public List<Map.Entry<String, String>> headers() {
    return headers;
  }

  /**
   * How long the simulator waits before sending this reply (or resetting).
   *
   * @return the delay, zero when sent at once
   */
  public Duration delay() {
    return delay;
  }

  /**
   * Whether this reply resets the connection instead of answering.
   *
   * @return true for {@link #reset()}
   */
  public boolean isReset() {
    return reset;
  }

  /** Shows the status, headers, body size and a short start of the body, and the delay. */
  @Override
  public String toString() {
    StringBuilder s = new StringBuilder("RawReply[");
    if (reset) {
      s.append("connection reset");
    } else {
      s.append(status).append(", ").append(contentType());
      for (Map.Entry<String, String> h : headers) {
        if (!h.getKey().equalsIgnoreCase("content-type")) {
          s.append(", ").append(h.getKey()).append(": ").append(h.getValue());
        }
      }
      String text = body();
      s.append(", ").append(body.length).append(" bytes");
      if (!text.isEmpty()) {
        s.append(" '")
            .append(text.length() > 60 ? text.substring(0, 60) + "..." : text)
            .append('\'');
      }
    }
    if (!delay.isZero()) {
      s.append(", after ").append(delay.toMillis()).append(" ms");
    }
    return s.append(']').toString();
  }

  /** Equal when status, content type, headers, body, delay and kind are equal. */
  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof RawReply r
        && status == r.status
        && reset == r.reset
        && contentType.equals(r.contentType)
        && Arrays.equals(body, r.body)
        && headers.equals(r.headers)
        && delay.equals(r.delay);
  }

  /** A hash consistent with {@link #equals(Object)}. */
  @Override
  public int hashCode() {
    return Objects.hash(status, reset, contentType, Arrays.hashCode(body), headers, delay);
  }

  private static boolean isTokenChar(int c) {
    return c > 32 && c < 127 && "()<>@,;:\\\"/[]?={}".indexOf(c) < 0;
  }
}
