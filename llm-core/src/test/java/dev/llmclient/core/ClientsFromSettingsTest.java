package dev.llmclient.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmclient.api.LlmClient;
import dev.llmclient.api.LlmConfigurationException;
import dev.llmclient.api.LlmRequest;
import dev.llmclient.api.LlmResponse;
import dev.llmclient.api.Message;
import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.api.spi.SettingNames;
import dev.llmclient.api.spi.Tracer;
import dev.llmclient.core.ProviderSelectionTest.StubCandidate;
import dev.llmclient.core.ProviderSelectionTest.StubProvider;
import dev.llmclient.core.internal.select.ProviderCandidate;
import dev.llmclient.core.pool.BudgetStore;
import dev.llmclient.core.pool.DeploymentPool;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * What {@link LlmClients} builds from settings alone: a deployment pool over the member providers
 * with the budget store the settings ask for, the call log a builder sets over {@code LLM_LOG}, and
 * the report {@link LlmClients#describeProviders} gives of all of it.
 */
class ClientsFromSettingsTest {

  static final SettingNames STUB_NAMES =
      new SettingNames("STUB_KEY", "STUB_URL", "STUB_MODEL", "STUB_SMALL", "STUB_EMBEDDING");

  static final String BUDGET_SETTING = "TEST_BUDGET_STORE";

  /** A store provider whose budget store is the in-process one, counting how often it is closed. */
  static final class CountingBudgetStores implements StoreProvider {
    final AtomicInteger made = new AtomicInteger();
    final AtomicInteger closed = new AtomicInteger();

    @Override
    public String setting() {
      return BUDGET_SETTING;
    }

    @Override
    public Optional<BudgetStore> createBudgetStore(ProviderSettings settings) {
      made.incrementAndGet();
      BudgetStore real = BudgetStore.inProcess();
      return Optional.of(
          (BudgetStore)
              Proxy.newProxyInstance(
                  BudgetStore.class.getClassLoader(),
                  new Class<?>[] {BudgetStore.class},
                  (proxy, method, args) -> {
                    if (method.getName().equals("close")) {
                      closed.incrementAndGet();
                      return null;
                    }
                    try {
                      return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                      throw Objects.requireNonNull(e.getCause());
                    }
                  }));
    }

    @Override
    public String describe(ProviderSettings settings) {
      return BUDGET_SETTING + ": counted in-process budgets";
    }
  }

  final StubProvider stub = new StubProvider("stub", "STUB_KEY");
  final List<ProviderCandidate> candidates =
      List.of(new StubCandidate(stub, "com.example.StubProvider", true));
  final CountingBudgetStores stores = new CountingBudgetStores();

  ClientsFromSettingsTest() {
    stub.names = STUB_NAMES;
  }

  LlmClients.Builder builder(Map<String, String> settings) {
    return LlmClients.builder()
        .settings(ProviderSettings.of(settings))
        .candidates(() -> candidates)
        .stores(() -> List.of(stores))
        .tracer(Tracer.noop());
  }

  static LlmRequest<Map<String, Object>> ask() {
    return LlmRequest.builder().addMessage(Message.user("Say ok as JSON.")).build();
  }

  @Test
  void theDeploymentsSettingBuildsAPoolOfItsMembersOnTheBudgetStoreTheSettingsAskFor() {
    stub.backend.enqueueContent("{\"ok\":true}");

    try (LlmClient llm =
        builder(
                Map.of(
                    DeploymentPool.DEPLOYMENTS_SETTING,
                    "big@https://one.stub.example;provider=stub;rpm=600",
                    "STUB_KEY",
                    "k1",
                    BUDGET_SETTING,
                    "on"))
            .build()) {
      LlmResponse<Map<String, Object>> r = llm.generate(ask());

      assertThat(r.value()).containsEntry("ok", true);
      assertThat(r.servedBy()).isEqualTo("big@one.stub.example");
      ProviderSettings member = Objects.requireNonNull(stub.settingsSeen);
      assertThat(member.get("STUB_URL")).isEqualTo("https://one.stub.example");
      assertThat(member.get("STUB_MODEL")).isEqualTo("big");
      assertThat(stores.made).hasValue(1);
      assertThat(stores.closed).hasValue(0);
    }
    assertThat(stores.closed).as("the pool closes the store it was built on").hasValue(1);
    assertThat(stub.backend.isClosed()).isTrue();
  }

  @Test
  void aMemberOfAnUnknownProviderFailsTheBuildAndTheBudgetStoreIsClosed() {
    assertThatThrownBy(
            () ->
                builder(
                        Map.of(
                            DeploymentPool.DEPLOYMENTS_SETTING,
                            "big@https://one.example;provider=nowhere",
                            BUDGET_SETTING,
                            "on"))
                    .build())
        .isInstanceOf(LlmConfigurationException.class)
        .hasMessageContaining("nowhere");
    assertThat(stores.made).hasValue(1);
    assertThat(stores.closed).hasValue(1);
    assertThat(stub.backendsCreated).hasValue(0);
  }

  @Test
  void aBackendGivenToTheBuilderWinsOverTheDeploymentsSetting() {
    dev.llmclient.testkit.ScriptedChatBackend given =
        new dev.llmclient.testkit.ScriptedChatBackend().enqueueContent("{\"given\":1}");
    try (LlmClient llm =
        builder(Map.of(DeploymentPool.DEPLOYMENTS_SETTING, "big@https://one.stub.example"))
            .backend(given)
            .build()) {
      assertThat(llm.generate(ask()).value()).containsEntry("given", 1);
    }
    assertThat(stub.backendsCreated).hasValue(0);
  }

  @Test
  void theCallLogSetOnTheBuilderOverridesTheSetting() {
    builder(Map.of("STUB_KEY", "k", "LLM_LOG", "off")).build().close();
    assertThat(Objects.requireNonNull(stub.settingsSeen).get("LLM_LOG")).isEqualTo("off");

    builder(Map.of("STUB_KEY", "k", "LLM_LOG", "off")).callLog(CallLog.DEBUG).build().close();
    assertThat(Objects.requireNonNull(stub.settingsSeen).get("LLM_LOG")).isEqualTo("debug");
    assertThatThrownBy(() -> LlmClients.builder().callLog(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("callLog");
  }

  @Test
  void theBuildersOutputCapMustBePositive() {
    assertThatThrownBy(() -> LlmClients.builder().maxTokens(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxTokens must be positive, got 0");
  }

  @Test
  void theReportListsThePoolMembersAndStoresAndAPoolNeedsNoSelectedProvider() {
    ProviderReport report =
        LlmClients.describeProviders(
            ProviderSettings.of(
                Map.of(
                    DeploymentPool.DEPLOYMENTS_SETTING,
                    "big@https://one.stub.example;provider=stub",
                    BUDGET_SETTING,
                    "on")),
            candidates,
            List.of(stores));

    assertThat(report.problem()).isEmpty();
    assertThat(report.selectedId()).isEmpty();
    assertThat(report.poolMembers())
        .containsExactly(
            "big@one.stub.example: big@https://one.stub.example provider=stub tier=1 weight=1");
    assertThat(report.stores()).singleElement().asString().contains("counted in-process budgets");
    assertThat(report.toString())
        .contains("selected=null")
        .contains("problem=null")
        .contains("poolMembers=[big@one.stub.example")
        .contains("counted in-process budgets");
    assertThat(stores.made).as("describing connects to nothing").hasValue(0);
    assertThat(stub.backendsCreated).hasValue(0);
  }

  @Test
  void aMalformedDeploymentsSettingIsTheReportsProblem() {
    ProviderReport report =
        LlmClients.describeProviders(
            ProviderSettings.of(Map.of(DeploymentPool.DEPLOYMENTS_SETTING, "big", "STUB_KEY", "k")),
            candidates,
            List.of());

    assertThat(report.selectedId()).contains("stub");
    assertThat(report.poolMembers()).isEmpty();
    assertThat(report.problem())
        .get()
        .extracting(Throwable::getMessage)
        .asString()
        .contains("must start with deployment@endpoint");
    assertThat(report.toString()).contains("must start with deployment@endpoint");
  }
}
