package dev.llmclient.openai;

/**
 * What one exchange was aimed at, for messages and logs.
 *
 * @param method the HTTP method
 * @param route the request path, without the query
 * @param model the model or deployment name
 */
record CallTarget(String method, String route, String model) {

  @Override
  public String toString() {
    return method + " " + route;
  }
}
