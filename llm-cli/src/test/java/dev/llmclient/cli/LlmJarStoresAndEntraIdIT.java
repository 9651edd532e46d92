package dev.llmclient.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.llmclient.testkit.simulator.LlmSimulator;
import dev.llmclient.testkit.simulator.RecordedRequest;
import dev.llmclient.testkit.simulator.Route;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shaded {@code target/llm.jar} ships llm-redis, and azure-identity on azure-core's JDK HTTP
 * client instead of azure-core-http-netty (whose netty 4.1 cannot share the jar with Lettuce's
 * netty 4.2): Entra ID still signs in, through a managed identity endpoint on loopback.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LlmJarStoresAndEntraIdIT {

  private static final Path JAR = Path.of(System.getProperty("llm.jar", "target/llm.jar"));
  private static final String JAVA =
      Path.of(System.getProperty("java.home"), "bin", "java").toString();
  private static final String TOKEN = "entra-token-through-the-jdk-client";
  private static final String IDENTITY_HEADER = "identity-header-for-the-test";

  @TempDir Path dir;

  @Test
  void theJarCarriesLlmRedisAndAzureIdentityOnTheJdkHttpClientWithoutNetty41() throws Exception {
    try (JarFile jar = new JarFile(JAR.toFile())) {
      String stores =
          new String(
              jar.getInputStream(jar.getEntry("META-INF/services/dev.llmclient.core.StoreProvider"))
                  .readAllBytes(),
              StandardCharsets.UTF_8);
      assertThat(stores).contains("dev.llmclient.redis.RedisStoreProvider");
      assertThat(jar.getEntry("dev/llmclient/redis/RedisBudgetStore.class")).isNotNull();
      assertThat(jar.getEntry("io/lettuce/core/RedisClient.class")).isNotNull();
      assertThat(jar.getEntry("com/azure/core/http/jdk/httpclient/JdkHttpClientProvider.class"))
          .isNotNull();
      assertThat(jar.getEntry("com/azure/core/http/netty/NettyAsyncHttpClientProvider.class"))
          .isNull();
      assertThat(jar.getEntry("reactor/netty/http/client/HttpClient.class")).isNull();
    }
  }

  @Test
  void entraIdSignsInThroughAManagedIdentityEndpointOnLoopback() throws Exception {
    List<String> identityRequests = new CopyOnWriteArrayList<>();
    HttpServer identity =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    identity.createContext(
        "/msi/token",
        exchange -> {
          String header = exchange.getRequestHeaders().getFirst("X-IDENTITY-HEADER");
          identityRequests.add(exchange.getRequestURI().getQuery() + " header=" + header);
          byte[] body;
          int status;
          if (IDENTITY_HEADER.equals(header)) {
            status = 200;
            body =
                ("{\"access_token\":\""
                        + TOKEN
                        + "\",\"expires_on\":\""
                        + Instant.now().plusSeconds(3600).getEpochSecond()
                        + "\",\"resource\":\"https://cognitiveservices.azure.com\","
                        + "\"token_type\":\"Bearer\"}")
                    .getBytes(StandardCharsets.UTF_8);
          } else {
            status = 400;
            body = "{\"error\":\"missing header\"}".getBytes(StandardCharsets.UTF_8);
          }
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(status, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    identity.start();
    try (LlmSimulator sim =
        LlmSimulator.builder().bearerToken(TOKEN).deployment("gpt-4o").start()) {
      String endpoint = "http://127.0.0.1:" + identity.getAddress().getPort() + "/msi/token";
      List<String> command =
          new ArrayList<>(
              List.of(JAVA, "-jar", JAR.toAbsolutePath().toString(), "chat", "Say hello"));
      ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
      pb.environment().clear();
      pb.environment()
          .putAll(
              Map.of(
                  "AZURE_OPENAI_ENDPOINT",
                  sim.azureEndpoint().toString(),
                  "AZURE_OPENAI_DEPLOYMENT_NAME",
                  "gpt-4o",
                  "AZURE_OPENAI_USE_MANAGED_IDENTITY",
                  "true",
                  "IDENTITY_ENDPOINT",
                  endpoint,
                  "IDENTITY_HEADER",
                  IDENTITY_HEADER));
      pb.redirectOutput(dir.resolve("stdout.txt").toFile());
      pb.redirectError(dir.resolve("stderr.txt").toFile());
      Process p = pb.start();
      assertThat(p.waitFor(90, TimeUnit.SECONDS)).as("llm finished within 90 s").isTrue();
      String err = Files.readString(dir.resolve("stderr.txt"));

      assertThat(p.exitValue()).as("llm chat:\n%s", err).isZero();
      assertThat(Files.readString(dir.resolve("stdout.txt"))).isNotBlank();
      assertThat(identityRequests)
          .isNotEmpty()
          .allSatisfy(
              r ->
                  assertThat(r)
                      .contains("resource=https://cognitiveservices.azure.com")
                      .endsWith("header=" + IDENTITY_HEADER));
      assertThat(sim.counters().requests(Route.CHAT_COMPLETIONS)).isEqualTo(1);
      RecordedRequest chat = sim.requests().get(sim.requests().size() - 1);
      assertThat(chat.header("Authorization")).isEqualTo("Bearer " + TOKEN);
    } finally {
      identity.stop(0);
    }
  }
}
