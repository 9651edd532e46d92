package dev.llmclient.openai;

import java.net.URI;

/**
 * Where an OpenAI-shaped API lives: the URI of each operation for a model or deployment, and
 * whether the body names the model.
 *
 * <p>OpenAI puts the model in the body ({@code POST {base}/chat/completions}); Azure's deployment
 * route puts the deployment in the path and no model in the body.
 */
public interface OpenAiRoutes {

  /**
   * The chat-completions URI.
   *
   * @param model the model or deployment
   * @return the absolute URI, including any query such as {@code api-version}
   */
  URI chatCompletions(String model);

  /**
   * The embeddings URI.
   *
   * @param model the model or deployment
   * @return the absolute URI
   */
  URI embeddings(String model);

  /**
   * Whether request bodies carry {@code model}.
   *
   * @return true for OpenAI and Azure's v1 route, false for Azure's deployment route
   */
  boolean modelInBody();

  /**
   * OpenAI's routes under a base URL such as {@code https://api.openai.com/v1}.
   *
   * @param baseUrl the base URL; a trailing slash is ignored
   * @return the routes
   */
  static OpenAiRoutes under(URI baseUrl) {
    String base = baseUrl.toString();
    while (base.endsWith("/")) {
      base = base.substring(0, base.length() - 1);
    }
    URI chat = URI.create(base + "/chat/completions");
    URI embeddings = URI.create(base + "/embeddings");
    return new OpenAiRoutes() {
      @Override
      public URI chatCompletions(String model) {
        return chat;
      }

      @Override
      public URI embeddings(String model) {
        return embeddings;
      }

      @Override
      public boolean modelInBody() {
        return true;
      }

      @Override
      public String toString() {
        return "OpenAiRoutes[" + chat + ", " + embeddings + "]";
      }
    };
  }
}
