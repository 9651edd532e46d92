package dev.llmclient.azure;

import java.time.Instant;
import java.util.Objects;

/**
 * An Entra ID access token and when it expires.
 *
 * @param token the bearer token
 * @param expiresAt when the token stops working
 */
public record AzureAccessToken(String token, Instant expiresAt) {

  /**
   * Validates the parts.
   *
   * @param token the bearer token
   * @param expiresAt when the token stops working
   * @throws NullPointerException if a part is null
   */
  public AzureAccessToken {
    Objects.requireNonNull(token, "token");
    Objects.requireNonNull(expiresAt, "expiresAt");
  }

  /** Shows the expiry only; the token is a secret. */
  @Override
  public String toString() {
    return "AzureAccessToken[token=****, expiresAt=" + expiresAt + "]";
  }
}
