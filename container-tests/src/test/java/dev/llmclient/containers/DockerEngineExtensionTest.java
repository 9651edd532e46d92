package dev.llmclient.containers;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** The guard in front of every container test: it fails, never skips, and says what to run. */
class DockerEngineExtensionTest {

  @Test
  void withoutAnEngineTheTestsFailWithHowToStartOne() {
    DockerEngineExtension extension =
        new DockerEngineExtension(
            () -> "connection refused on /var/run/docker.sock", image -> true);

    assertThatThrownBy(() -> extension.check(LocalImages.NGINX))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("none is reachable (connection refused on /var/run/docker.sock)")
        .hasMessageContaining("sudo scripts/docker-engine.sh start")
        .hasMessageContaining("scripts/build-images.sh");
  }

  @Test
  void withAMissingImageTheTestsFailNamingItAndHowToBuildIt() {
    Set<String> built = Set.of(LocalImages.NGINX);
    DockerEngineExtension extension = new DockerEngineExtension(() -> null, built::contains);

    assertThatThrownBy(() -> extension.check(LocalImages.NGINX, LocalImages.SQUID))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no image " + LocalImages.SQUID + ".")
        .hasMessageNotContaining(LocalImages.NGINX)
        .hasMessageContaining("scripts/build-images.sh");
  }

  @Test
  void withTheEngineAndTheImagesTheTestsRun() {
    DockerEngineExtension extension = new DockerEngineExtension(() -> null, image -> true);

    assertThatCode(() -> extension.check(LocalImages.NGINX, LocalImages.PRISM))
        .doesNotThrowAnyException();
  }
}
