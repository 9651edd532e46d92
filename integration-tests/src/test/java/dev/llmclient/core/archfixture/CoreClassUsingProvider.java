package dev.llmclient.core.archfixture;

import dev.llmclient.openai.archfixture.ProviderClass;
import java.util.Optional;

/** Deliberate violations in a core package, used only by the meta tests. */
public final class CoreClassUsingProvider {
  /** Imports a provider package and holds an Optional field. */
  public final Optional<ProviderClass> provider = Optional.empty();

  /**
   * Declares a checked exception and takes an Optional.
   *
   * @param value ignored
   * @throws java.io.IOException always declared
   */
  public void read(Optional<String> value) throws java.io.IOException {}
}
