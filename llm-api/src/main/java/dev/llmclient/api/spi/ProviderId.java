package dev.llmclient.api.spi;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares an {@link LlmProvider}'s id on its class, so the core can select it by id without
 * instantiating the others. The value must equal what {@link LlmProvider#id()} returns.
 *
 * <pre>{@code
 * @ProviderId("azure")
 * public final class AzureOpenAiProvider implements LlmProvider { ... }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface ProviderId {
  /**
   * The provider id.
   *
   * @return the id, e.g. {@code "azure"}
   */
  String value();
}
