/** A named application module that uses llmclient's automatic modules by their stable names. */
module consumer.app {
  requires dev.llmclient.api;
  requires dev.llmclient.core;

  uses dev.llmclient.api.spi.LlmProvider;

  opens consumer.app;
}
