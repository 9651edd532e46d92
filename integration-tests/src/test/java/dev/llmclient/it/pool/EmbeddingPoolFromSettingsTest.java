package dev.llmclient.it.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmclient.api.EmbedderClient;
import dev.llmclient.api.LlmConfigurationException;
import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.core.LlmClients;
import dev.llmclient.core.ProviderReport;
import dev.llmclient.core.RetryPolicy;
import dev.llmclient.core.pool.BudgetStore;
import dev.llmclient.core.pool.CircuitBreakerPolicy;
import dev.llmclient.core.pool.DeploymentMember;
import dev.llmclient.core.pool.DeploymentPool;
import dev.llmclient.core.pool.DeploymentStats;
import dev.llmclient.testkit.simulator.Deployment;
import dev.llmclient.testkit.simulator.Fault;
import dev.llmclient.testkit.simulator.LlmSimulator;
import dev.llmclient.testkit.simulator.Route;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The embedder on a pool built from {@code AZURE_OPENAI_DEPLOYMENTS}: members with {@code
 * ;embedding=DEPLOYMENT} serve embeddings with the pool's routing, failover, cool-down, breakers
 * and budgets, over two simulated Azure deployments through the real Azure provider.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EmbeddingPoolFromSettingsTest {

  private static final String KEY = "embedding-pool-key";
  private static final String EMBEDDING = "embed-3";

  private final List<AutoCloseable> resources = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = resources.size() - 1; i >= 0; i--) {
      resources.get(i).close();
    }
  }

  private LlmSimulator simulator(UnaryOperator<LlmSimulator.Builder> customise) {
    LlmSimulator sim =
        customise.apply(LlmSimulator.builder().apiKey(KEY).deployment("gpt-4o")).start();
    resources.add(sim);
    return sim;
  }

  private <T extends AutoCloseable> T closeLater(T resource) {
    resources.add(resource);
    return resource;
  }

  private static Map<String, String> settings(String members) {
    Map<String, String> m = new HashMap<>();
    m.put(DeploymentPool.DEPLOYMENTS_SETTING, members);
    m.put("AZURE_OPENAI_API_KEY", KEY);
    return m;
  }

  private static String member(LlmSimulator sim, String name, String attributes) {
    return "gpt-4o@" + sim.azureEndpoint() + ";name=" + name + attributes;
  }

  private static RetryPolicy noRetries() {
    return RetryPolicy.builder().maxRetries(0).build();
  }

  private static DeploymentStats stats(DeploymentPool pool, String name) {
    return pool.stats().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
  }

  @Test
  void theEmbedderFromSettingsMovesOffAMemberThatAnswers429AndLetsItCoolDown() {
    LlmSimulator east =
        simulator(
            b ->
                b.deployment(EMBEDDING)
                    .fault(Fault.rateLimited(Duration.ofSeconds(30)).onRoutes(Route.EMBEDDINGS)));
    LlmSimulator west = simulator(b -> b.deployment(EMBEDDING));
    ProviderSettings settings =
        ProviderSettings.of(
            settings(
                member(east, "east", ";embedding=" + EMBEDDING)
                    + ","
                    + member(west, "west", ";embedding=" + EMBEDDING)));

    // no client retries: every call succeeds only because the pool fails over at once
    try (EmbedderClient embedder =
        LlmClients.embedder().settings(settings).retryPolicy(noRetries()).build()) {
      for (int i = 0; i < 20; i++) {
        assertThat(embedder.create("node " + i)).isNotEmpty();
      }
    }

    assertThat(east.counters().requests(Route.EMBEDDINGS))
        .as("one 429, then east cools down for its Retry-After")
        .isEqualTo(1);
    assertThat(east.counters().responses(429)).isEqualTo(1);
    assertThat(west.counters().requests(Route.EMBEDDINGS)).isEqualTo(20);
    assertThat(east.counters().requests(Route.CHAT_COMPLETIONS)).isZero();
    assertThat(west.counters().requests(Route.CHAT_COMPLETIONS)).isZero();
    assertThat(west.requests())
        .allSatisfy(r -> assertThat(r.path()).contains("/deployments/" + EMBEDDING + "/"));
  }

  @Test
  void theBreakerAndTheBudgetOfEmbeddingMembersShowInTheStats() {
    LlmSimulator broken =
        simulator(b -> b.deployment(EMBEDDING).fault(Fault.status(500).onRoutes(Route.EMBEDDINGS)));
    // the simulator refuses more than 10 embeddings a second: only the pool's budget avoids 429s
    LlmSimulator limited =
        simulator(
            b ->
                b.deployment(Deployment.of(EMBEDDING).withRequestsPerMinute(600))
                    .rateLimitWindow(Duration.ofSeconds(1)));
    ProviderSettings settings =
        ProviderSettings.of(
            settings(
                member(broken, "broken", ";embedding=" + EMBEDDING)
                    + ","
                    + member(limited, "limited", ";rpm=5;embedding=" + EMBEDDING)
                    + ";embedding-rpm=600;embedding-tpm=1000000"));
    BudgetStore store = BudgetStore.inProcess();
    DeploymentPool pool =
        closeLater(
            DeploymentPool.builder()
                .embeddingMembers(settings)
                .budgetStore(store)
                .budgetWindow(Duration.ofSeconds(1))
                .circuitBreaker(
                    CircuitBreakerPolicy.builder()
                        .window(4)
                        .minimumCalls(4)
                        .openDuration(Duration.ofMinutes(1))
                        .probeCalls(1)
                        .build())
                .build());
    EmbedderClient embedder =
        closeLater(
            LlmClients.embedder()
                .settings(ProviderSettings.empty())
                .backend(pool.embeddings())
                .retryPolicy(noRetries())
                .build());

    for (int i = 0; i < 30; i++) {
      assertThat(embedder.create("text " + i)).isNotEmpty();
    }

    DeploymentStats brokenStats = stats(pool, "broken");
    DeploymentStats limitedStats = stats(pool, "limited");
    System.out.printf("[pool] embeddings, one member broken, one limited: %s%n", pool.stats());
    assertThat(brokenStats.breakerState()).isEqualTo("OPEN");
    assertThat(brokenStats.failures()).isEqualTo(4);
    assertThat(brokenStats.failovers()).isEqualTo(4);
    assertThat(broken.counters().requests(Route.EMBEDDINGS)).isEqualTo(4);
    assertThat(limitedStats.successes()).isEqualTo(30);
    // the embedding deployment's own limits, not the chat deployment's rpm=5
    assertThat(limitedStats.requestsPerMinute()).isEqualTo(600);
    assertThat(limitedStats.tokensPerMinute()).isEqualTo(1_000_000);
    assertThat(
            store.limits("limited" + DeploymentMember.EMBEDDING_BUDGET_SUFFIX).requestsPerMinute())
        .isEqualTo(600);
    assertThat(limitedStats.budgetWaits()).as("calls held back for budget").isPositive();
    assertThat(limited.counters().rateLimited()).isZero();
    assertThat(limitedStats.usage().inputTokens()).isPositive();
  }

  @Test
  void aMalformedEmbeddingAttributeIsAConfigurationErrorThatSaysWhatToFix() {
    LlmSimulator sim = simulator(b -> b.deployment(EMBEDDING));
    for (String[] bad :
        new String[][] {
          {";embedding=", "embedding must name a deployment"},
          {";embedding=two words", "embedding must name a deployment"},
          {
            ";embedding=" + EMBEDDING + ";embedding-rpm=many",
            "embedding-rpm must be a whole number"
          },
          {";embeding=" + EMBEDDING, "unknown attribute 'embeding'"}
        }) {
      ProviderSettings settings = ProviderSettings.of(settings(member(sim, "east", bad[0])));
      assertThatThrownBy(() -> LlmClients.embedder().settings(settings).build())
          .as(bad[0])
          .isInstanceOf(LlmConfigurationException.class)
          .hasMessageContaining(DeploymentPool.DEPLOYMENTS_SETTING + " is malformed")
          .hasMessageContaining(bad[1])
          .hasMessageContaining("[;embedding=DEPLOYMENT]");
    }
    assertThat(sim.counters().totalRequests()).isZero();
  }

  @Test
  void withoutEmbeddingMembersTheEmbedderUsesTheSelectedProviderAsBefore() {
    LlmSimulator poolMember = simulator(b -> b.deployment(EMBEDDING));
    LlmSimulator single = simulator(b -> b.deployment(EMBEDDING));
    Map<String, String> m = settings(member(poolMember, "east", ""));
    m.put("AZURE_OPENAI_ENDPOINT", single.azureEndpoint().toString());
    m.put("AZURE_OPENAI_EMBEDDING_DEPLOYMENT_NAME", EMBEDDING);
    m.put("LLM_PROVIDER", "azure");

    try (EmbedderClient embedder = LlmClients.embedder().settings(ProviderSettings.of(m)).build()) {
      assertThat(embedder.create("a node")).isNotEmpty();
    }

    assertThat(single.counters().requests(Route.EMBEDDINGS)).isEqualTo(1);
    assertThat(poolMember.counters().totalRequests()).isZero();
  }

  @Test
  void theReportSaysWhichMembersServeEmbeddings() {
    LlmSimulator east = simulator(b -> b);
    LlmSimulator west = simulator(b -> b);
    ProviderReport report =
        LlmClients.describeProviders(
            ProviderSettings.of(
                settings(
                    member(east, "east", ";embedding=" + EMBEDDING + ";embedding-tpm=350000")
                        + ","
                        + member(west, "west", ""))));

    assertThat(report.poolMembers())
        .containsExactly(
            "east: gpt-4o@"
                + east.azureEndpoint()
                + " provider=azure tier=1 weight=1 embedding="
                + EMBEDDING
                + " embedding-tpm=350000",
            "west: gpt-4o@" + west.azureEndpoint() + " provider=azure tier=1 weight=1");
  }
}
