package dev.llmclient.azure;

import java.util.concurrent.CompletableFuture;

/**
 * Fetches Entra ID access tokens, e.g. from a {@code TokenCredential} of azure-identity or from
 * your own token service. The provider caches the token and calls this only to refresh it.
 *
 * <pre>{@code
 * AzureTokenSource source = scope -> myTokenService.fetchAsync(scope)
 *     .thenApply(t -> new AzureAccessToken(t.value(), t.expiresAt()));
 * LlmProvider azure = new AzureOpenAiProvider(source);
 * }</pre>
 */
@FunctionalInterface
public interface AzureTokenSource {

  /**
   * Fetches a fresh token.
   *
   * @param scope the scope, {@code https://cognitiveservices.azure.com/.default}
   * @return a future of the token. A failure that another attempt may fix (the identity endpoint
   *     answered 5xx, 408 or 429, an I/O error, no answer within 30 s) surfaces as a retryable
   *     {@link dev.llmclient.api.LlmConnectionException} or {@link
   *     dev.llmclient.api.LlmTimeoutException}; any other failure (a refused credential) as an
   *     {@link dev.llmclient.api.AuthenticationException} carrying its message. Fail with an {@link
   *     dev.llmclient.api.LlmException} to choose the type yourself.
   */
  CompletableFuture<AzureAccessToken> fetch(String scope);
}
