package dev.llmclient.core.internal.select;

import dev.llmclient.api.spi.LlmProvider;
import dev.llmclient.api.spi.ProviderId;
import java.util.ServiceLoader;
import org.jspecify.annotations.Nullable;

/**
 * One provider found on the classpath, not yet instantiated: the seam that lets the selection logic
 * be tested without a real {@link ServiceLoader}.
 */
public interface ProviderCandidate {

  /** The provider's class name, for messages. */
  String className();

  /** The id declared with {@link ProviderId}, or null when the class carries no annotation. */
  @Nullable String declaredId();

  /** Instantiates the provider; called only when the selection needs it. */
  LlmProvider instantiate();

  /** Wraps a {@link ServiceLoader.Provider}, reading the annotation from its type's class file. */
  static ProviderCandidate of(ServiceLoader.Provider<LlmProvider> provider) {
    Class<? extends LlmProvider> type = provider.type();
    String id = ProviderIds.of(type);
    return new ProviderCandidate() {
      @Override
      public String className() {
        return type.getName();
      }

      @Override
      public @Nullable String declaredId() {
        return id;
      }

      @Override
      public LlmProvider instantiate() {
        return provider.get();
      }
    };
  }
}
