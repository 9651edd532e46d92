package dev.llmclient.testkit.contract;

import java.time.Duration;
import java.util.Objects;

/**
 * What the contract tests ask a backend to be configured with.
 *
 * @param apiKey the key to send (the simulator accepts {@link ChatBackendContractTest#API_KEY})
 * @param model the model, or the deployment on Azure
 * @param responseTimeout the longest wait for response headers; a slower server must fail the call
 *     with {@link dev.llmclient.api.LlmTimeoutException}
 */
public record ContractSettings(String apiKey, String model, Duration responseTimeout) {

  /**
   * Rejects nulls.
   *
   * @param apiKey the key to send (the simulator accepts {@link ChatBackendContractTest#API_KEY})
   * @param model the model, or the deployment on Azure
   * @param responseTimeout the longest wait for response headers; a slower server must fail the
   *     call with {@link dev.llmclient.api.LlmTimeoutException}
   * @throws NullPointerException if a part is null
   */
  public ContractSettings {
    Objects.requireNonNull(apiKey, "apiKey");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(responseTimeout, "responseTimeout");
  }

  /**
   * The same settings with another key.
   *
   * @param key the key
   * @return the copy
   */
  public ContractSettings withApiKey(String key) {
    return new ContractSettings(key, model, responseTimeout);
  }

  /** Shows the model and timeout; never the key. */
  @Override
  public String toString() {
    return "ContractSettings[apiKey=****, model="
        + model
        + ", responseTimeout="
        + responseTimeout
        + "]";
  }
}
