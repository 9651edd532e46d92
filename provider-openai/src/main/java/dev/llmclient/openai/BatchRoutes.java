package dev.llmclient.openai;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Where a service's Files and Batches APIs live, and which endpoint its batches run.
 *
 * <p>OpenAI: {@code {base}/files}, {@code {base}/batches}, endpoint {@code /v1/chat/completions}.
 * Azure OpenAI: {@code {endpoint}/openai/files?api-version=...} (or {@code /openai/v1/files}),
 * endpoint {@code /chat/completions}.
 */
public final class BatchRoutes {

  private final String root;
  private final @Nullable String apiVersion;
  private final String endpoint;

  private BatchRoutes(String root, @Nullable String apiVersion, String endpoint) {
    String r = root;
    while (r.endsWith("/")) {
      r = r.substring(0, r.length() - 1);
    }
    this.root = r;
    this.apiVersion = apiVersion;
    this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
  }

  /**
   * OpenAI's routes under a base URL such as {@code https://api.openai.com/v1}.
   *
   * @param baseUrl the base URL
   * @return the routes
   */
  public static BatchRoutes openAi(URI baseUrl) {
    return new BatchRoutes(baseUrl.toString(), null, "/v1/chat/completions");
  }

  /**
   * Routes under an API root, with an optional {@code api-version} query on every URI.
   *
   * @param apiRoot for example {@code https://x.openai.azure.com/openai}
   * @param apiVersion the {@code api-version}, or null for none
   * @param endpoint the chat-completions endpoint as the service names it in a batch, for example
   *     {@code /chat/completions}
   * @return the routes
   */
  public static BatchRoutes of(URI apiRoot, @Nullable String apiVersion, String endpoint) {
    return new BatchRoutes(apiRoot.toString(), apiVersion, endpoint);
  }

  /** The endpoint batches run, as written in {@code endpoint} and in each input line's URL. */
  String endpoint() {
    return endpoint;
  }

  URI files() {
    return uri("/files", null);
  }

  URI fileContent(String fileId) {
    return uri("/files/" + encode(fileId) + "/content", null);
  }

  URI batches() {
    return uri("/batches", null);
  }

  URI batch(String batchId) {
    return uri("/batches/" + encode(batchId), null);
  }

  URI cancel(String batchId) {
    return uri("/batches/" + encode(batchId) + "/cancel", null);
  }

  URI list(@Nullable String after, int limit) {
    String query = "limit=" + limit + (after == null ? "" : "&after=" + encode(after));
    return uri("/batches", query);
  }

  private URI uri(String path, @Nullable String query) {
    StringBuilder s = new StringBuilder(root).append(path);
    String q = query;
    if (apiVersion != null) {
      String v = "api-version=" + encode(apiVersion);
      q = q == null ? v : q + "&" + v;
    }
    if (q != null) {
      s.append('?').append(q);
    }
    return URI.create(s.toString());
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  @Override
  public String toString() {
    return "BatchRoutes[" + root + (apiVersion == null ? "" : "?api-version=" + apiVersion) + "]";
  }
}
