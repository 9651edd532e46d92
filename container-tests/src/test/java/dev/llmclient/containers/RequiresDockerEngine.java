package dev.llmclient.containers;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a test class that needs a local Docker engine and the locally built images.
 *
 * <p>When the engine does not answer, or an image is missing, every test of the class fails (it is
 * never skipped) with a message that says what to run:
 *
 * <pre>{@code
 * @RequiresDockerEngine(images = {LocalImages.NGINX})
 * class TlsAndHttp2Test { ... }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@ExtendWith(DockerEngineExtension.class)
public @interface RequiresDockerEngine {

  /**
   * The image names the tests run, e.g. {@link LocalImages#NGINX}.
   *
   * @return the images that must exist in the local engine
   */
  String[] images() default {};
}
