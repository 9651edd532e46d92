package dev.llmclient.containers;

import com.github.dockerjava.api.exception.NotFoundException;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.utility.DockerImageName;

/**
 * The images {@code scripts/build-images.sh} builds, by the tag the tests run. Each is also tagged
 * with the hash of its inputs; {@code :local} points at the newest build.
 */
public final class LocalImages {

  /** nginx from Debian's package. */
  public static final String NGINX = "llmclient-test/nginx:local";

  /** squid from Debian's package, with its basic-auth helper. */
  public static final String SQUID = "llmclient-test/squid:local";

  /** The Prism mock server with the prepared OpenAI spec at {@code /specs/openai.min.yaml}. */
  public static final String PRISM = "llmclient-test/prism:local";

  /** redis-server from Debian's package; arguments are redis-server's own. */
  public static final String REDIS = "llmclient-test/redis:local";

  private LocalImages() {}

  /**
   * The image as Testcontainers takes it.
   *
   * @param image one of the constants above
   * @return the parsed name
   */
  public static DockerImageName name(String image) {
    return DockerImageName.parse(image);
  }

  /**
   * Whether the local engine has the image; never pulls.
   *
   * @param image the image name
   * @return true when {@code docker image inspect} would find it
   */
  public static boolean isPresent(String image) {
    try {
      DockerClientFactory.instance().client().inspectImageCmd(image).exec();
      return true;
    } catch (NotFoundException e) {
      return false;
    }
  }
}
