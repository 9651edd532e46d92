package dev.llmclient.openai;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Supplies the authentication headers of each request, e.g. {@code Authorization: Bearer ...} or
 * Azure's {@code api-key}. Asynchronous so a token can be fetched without blocking a caller.
 */
public interface RequestAuthenticator {

  /**
   * The headers to add to the next request.
   *
   * @return a future of the headers; completed exceptionally with an {@link
   *     dev.llmclient.api.AuthenticationException} when no credential can be obtained
   */
  CompletableFuture<Map<String, String>> headers();

  /**
   * The secret values currently in use, so that they can be scrubbed from any text a server echoes
   * back. Never logged.
   *
   * @return the secrets; empty by default
   */
  default List<String> secrets() {
    return List.of();
  }

  /**
   * No authentication, for local compatible servers.
   *
   * @return the authenticator
   */
  static RequestAuthenticator none() {
    return () -> CompletableFuture.completedFuture(Map.of());
  }

  /**
   * One fixed header holding a secret, e.g. {@code ("api-key", key)}.
   *
   * @param name the header name
   * @param secretValue the header value
   * @return the authenticator; its {@code toString()} hides the value
   */
  static RequestAuthenticator header(String name, String secretValue) {
    Map<String, String> headers = Map.of(name, secretValue);
    CompletableFuture<Map<String, String>> done = CompletableFuture.completedFuture(headers);
    List<String> secrets = List.of(secretValue);
    return new RequestAuthenticator() {
      @Override
      public CompletableFuture<Map<String, String>> headers() {
        return done;
      }

      @Override
      public List<String> secrets() {
        return secrets;
      }

      @Override
      public String toString() {
        return "RequestAuthenticator[" + name + "=****]";
      }
    };
  }

  /**
   * {@code Authorization: Bearer <key>}, as OpenAI expects.
   *
   * @param apiKey the key
   * @return the authenticator
   */
  static RequestAuthenticator bearer(String apiKey) {
    RequestAuthenticator header = header("Authorization", "Bearer " + apiKey);
    List<String> secrets = List.of(apiKey);
    return new RequestAuthenticator() {
      @Override
      public CompletableFuture<Map<String, String>> headers() {
        return header.headers();
      }

      @Override
      public List<String> secrets() {
        return secrets;
      }

      @Override
      public String toString() {
        return "RequestAuthenticator[Authorization=Bearer ****]";
      }
    };
  }
}
