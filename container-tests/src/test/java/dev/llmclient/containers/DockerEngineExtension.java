package dev.llmclient.containers;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;
import org.testcontainers.DockerClientFactory;

/**
 * Fails a {@link RequiresDockerEngine} test class before it starts when no Docker engine answers or
 * one of its images is missing, with a message that says how to fix it.
 *
 * <p>Failing, not skipping, is deliberate: CI always starts an engine, so a missing engine is a
 * broken setup that must be seen, never a silently green build.
 */
public final class DockerEngineExtension implements BeforeAllCallback {

  /** How to start an engine, as the failure message says it. */
  public static final String START_ENGINE = "sudo scripts/docker-engine.sh start";

  /** How to build the images, as the failure message says it. */
  public static final String BUILD_IMAGES = "scripts/build-images.sh";

  private final Supplier<@Nullable String> engineProblem;
  private final Predicate<String> imagePresent;

  /** The extension JUnit creates: asks Testcontainers' client about the local engine. */
  public DockerEngineExtension() {
    this(DockerEngineExtension::probeEngine, LocalImages::isPresent);
  }

  /**
   * An extension with its own view of the engine, for testing the messages.
   *
   * @param engineProblem returns null when the engine answers, else why it does not
   * @param imagePresent tells whether an image exists in the engine
   */
  DockerEngineExtension(Supplier<@Nullable String> engineProblem, Predicate<String> imagePresent) {
    this.engineProblem = engineProblem;
    this.imagePresent = imagePresent;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    String[] images =
        AnnotationSupport.findAnnotation(context.getRequiredTestClass(), RequiresDockerEngine.class)
            .map(RequiresDockerEngine::images)
            .orElse(new String[0]);
    check(images);
  }

  /**
   * Checks the engine and the images.
   *
   * @param images the images the tests need
   * @throws IllegalStateException saying what to run when the engine or an image is missing
   */
  void check(String... images) {
    String problem = engineProblem.get();
    if (problem != null) {
      throw new IllegalStateException(
          "These tests need a Docker engine, and none is reachable ("
              + problem
              + "). Start one with `"
              + START_ENGINE
              + "` (it installs docker.io when missing), or point DOCKER_HOST at a running"
              + " engine, then build the images with `"
              + BUILD_IMAGES
              + "` and run the tests again.");
    }
    List<String> missing = new ArrayList<>();
    for (String image : images) {
      if (!imagePresent.test(image)) {
        missing.add(image);
      }
    }
    if (!missing.isEmpty()) {
      throw new IllegalStateException(
          "The Docker engine has no image "
              + String.join(", ", missing)
              + ". Build the images locally with `"
              + BUILD_IMAGES
              + "` (nothing is pulled from a registry), then run the tests again.");
    }
  }

  private static @Nullable String probeEngine() {
    try {
      if (DockerClientFactory.instance().isDockerAvailable()) {
        return null;
      }
      return "Testcontainers found no working Docker environment; its log above says what it tried";
    } catch (RuntimeException e) {
      return e.getClass().getSimpleName() + ": " + e.getMessage();
    }
  }
}
