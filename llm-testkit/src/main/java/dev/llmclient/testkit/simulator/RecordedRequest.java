package dev.llmclient.testkit.simulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One request as the simulator received it, for asserting what a client put on the wire.
 *
 * <pre>{@code
 * RecordedRequest r = sim.lastRequest();
 * assertThat(r.json().path("max_completion_tokens").asInt()).isEqualTo(256);
 * assertThat(r.header("api-key")).isEqualTo("test-key");
 * }</pre>
 *
 * @param sequence the 1-based arrival number
 * @param receivedAt when it arrived, on the simulator's clock
 * @param method the HTTP method
 * @param path the path without the query
 * @param query the raw query string, empty when there is none
 * @param headers the headers by lower-case name (repeated headers joined with {@code ", "})
 * @param body the body as UTF-8 text, empty when there is none
 * @param route the operation the path addressed
 * @param style the URL family
 * @param deployment the deployment from the path or the {@code model} field, or null
 * @param protocol the protocol version, {@code HTTP/1.1} or {@code HTTP/2.0}
 */
public record RecordedRequest(
    long sequence,
    Instant receivedAt,
    String method,
    String path,
    String query,
    Map<String, String> headers,
    String body,
    Route route,
    ApiStyle style,
    @Nullable String deployment,
    String protocol) {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  /**
   * Copies the headers and rejects nulls.
   *
   * @param sequence the 1-based arrival number
   * @param receivedAt when it arrived, on the simulator's clock
   * @param method the HTTP method
   * @param path the path without the query
   * @param query the raw query string, empty when there is none
   * @param headers the headers by lower-case name (repeated headers joined with {@code ", "})
   * @param body the body as UTF-8 text, empty when there is none
   * @param route the operation the path addressed
   * @param style the URL family
   * @param deployment the deployment from the path or the {@code model} field, or null
   * @param protocol the protocol version, {@code HTTP/1.1} or {@code HTTP/2.0}
   * @throws NullPointerException if a required part is null
   */
  public RecordedRequest {
    Objects.requireNonNull(receivedAt, "receivedAt");
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(query, "query");
    headers = Map.copyOf(headers);
    Objects.requireNonNull(body, "body");
    Objects.requireNonNull(route, "route");
    Objects.requireNonNull(style, "style");
    Objects.requireNonNull(protocol, "protocol");
  }

  /**
   * A header value, by case-insensitive name.
   *
   * @param name the header name
   * @return the value, or null when absent
   */
  public @Nullable String header(String name) {
    return headers.get(name.toLowerCase(Locale.ROOT));
  }

  /**
   * A query parameter, decoded.
   *
   * @param name the parameter name, e.g. {@code api-version}
   * @return the first value, or null when absent
   */
  public @Nullable String queryParameter(String name) {
    return queryParameter(query, name);
  }

  /** The first decoded value of a parameter in a raw query string, or null when absent. */
  static @Nullable String queryParameter(String query, String name) {
    if (query.isEmpty()) {
      return null;
    }
    for (String pair : query.split("&")) {
      int eq = pair.indexOf('=');
      String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      if (key.equals(name)) {
        return eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      }
    }
    return null;
  }

  /**
   * The body parsed as JSON.
   *
   * @return the tree, or a missing node when the body is empty or not JSON
   */
  public JsonNode json() {
    if (body.isEmpty()) {
      return MissingNode.getInstance();
    }
    try {
      return MAPPER.readTree(body);
    } catch (JsonProcessingException e) {
      return MissingNode.getInstance();
    }
  }

  /** Shows the request line and route; never header values or the body, which hold secrets. */
  @Override
  public String toString() {
    return "RecordedRequest[#"
        + sequence
        + " "
        + method
        + " "
        + path
        + (query.isEmpty() ? "" : "?" + query)
        + ", route="
        + route
        + ", style="
        + style
        + ", deployment="
        + deployment
        + ", body=<"
        + body.length()
        + " chars>]";
  }
}
