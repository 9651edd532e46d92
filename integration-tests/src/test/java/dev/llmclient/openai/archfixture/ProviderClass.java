package dev.llmclient.openai.archfixture;

import dev.llmclient.core.archfixture.CoreClassUsingProvider;

/** A deliberate violation: a provider class that imports core. Used only by the meta tests. */
public final class ProviderClass {
  /** The forbidden dependency (and a cycle between modules). */
  public CoreClassUsingProvider core;

  /** Creates the fixture. */
  public ProviderClass() {
    this.core = new CoreClassUsingProvider();
  }
}
