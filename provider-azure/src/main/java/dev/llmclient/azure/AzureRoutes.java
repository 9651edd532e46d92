package dev.llmclient.azure;

import dev.llmclient.openai.OpenAiRoutes;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Azure's two routes: {@code {endpoint}/openai/deployments/{deployment}/...?api-version=} (no model
 * in the body) and {@code {endpoint}/openai/v1/...} (model = deployment in the body).
 */
final class AzureRoutes implements OpenAiRoutes {

  private static final int MAX_CACHED = 256;

  private final String root;
  private final boolean v1;
  private final String apiVersion;

  /** Deployment → URI per operation; a handful of deployments is usual, so this stays small. */
  private final Map<String, URI> chatUris = new ConcurrentHashMap<>();

  private final Map<String, URI> embeddingUris = new ConcurrentHashMap<>();

  /** On the v1 route the deployment goes in the body, so each operation has one URI. */
  private final URI v1Chat;

  private final URI v1Embeddings;

  /**
   * @param endpoint the resource endpoint, with or without a trailing slash or {@code /openai}
   * @param v1 true for the {@code /openai/v1/} route
   * @param apiVersion the {@code api-version} of the deployment route
   */
  AzureRoutes(URI endpoint, boolean v1, String apiVersion) {
    this.root = normalise(endpoint.toString());
    this.v1 = v1;
    this.apiVersion = apiVersion;
    this.v1Chat = URI.create(root + "/openai/v1/chat/completions");
    this.v1Embeddings = URI.create(root + "/openai/v1/embeddings");
  }

  /** {@code https://x.openai.azure.com/openai/} becomes {@code https://x.openai.azure.com}. */
  static String normalise(String endpoint) {
    String s = endpoint.strip();
    while (s.endsWith("/")) {
      s = s.substring(0, s.length() - 1);
    }
    for (String suffix : new String[] {"/openai/v1", "/openai"}) {
      if (s.endsWith(suffix)) {
        s = s.substring(0, s.length() - suffix.length());
        break;
      }
    }
    while (s.endsWith("/")) {
      s = s.substring(0, s.length() - 1);
    }
    return s;
  }

  private URI operation(String deployment, String operation) {
    if (v1) {
      return URI.create(root + "/openai/v1/" + operation);
    }
    String name = URLEncoder.encode(deployment, StandardCharsets.UTF_8).replace("+", "%20");
    return URI.create(
        root
            + "/openai/deployments/"
            + name
            + "/"
            + operation
            + "?api-version="
            + URLEncoder.encode(apiVersion, StandardCharsets.UTF_8));
  }

  @Override
  public URI chatCompletions(String deployment) {
    return cached(chatUris, deployment, "chat/completions");
  }

  @Override
  public URI embeddings(String deployment) {
    return cached(embeddingUris, deployment, "embeddings");
  }

  /** Building a URI parses it, which costs more than the rest of a call's request line. */
  private URI cached(Map<String, URI> uris, String deployment, String operation) {
    if (v1) {
      return operation.equals("embeddings") ? v1Embeddings : v1Chat;
    }
    URI uri = uris.get(deployment);
    if (uri == null) {
      uri = operation(deployment, operation);
      if (uris.size() < MAX_CACHED) {
        uris.put(deployment, uri);
      }
    }
    return uri;
  }

  @Override
  public boolean modelInBody() {
    return v1;
  }

  @Override
  public String toString() {
    return "AzureRoutes["
        + root
        + (v1 ? "/openai/v1/" : "/openai/deployments/{deployment}/?api-version=" + apiVersion)
        + "]";
  }
}
