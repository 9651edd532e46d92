package dev.llmclient.testkit.simulator;

/** Which URL family a request used; it decides the shape of error bodies and headers. */
public enum ApiStyle {
  /** OpenAI: {@code /v1/...}, model in the body, {@code Authorization: Bearer} key. */
  OPENAI,
  /**
   * Azure OpenAI's deployment routes: {@code /openai/deployments/{deployment}/...?api-version=},
   * {@code api-key} header or an Entra ID bearer token.
   */
  AZURE,
  /** Azure OpenAI's v1 routes: {@code /openai/v1/...}, model (deployment) in the body. */
  AZURE_V1
}
