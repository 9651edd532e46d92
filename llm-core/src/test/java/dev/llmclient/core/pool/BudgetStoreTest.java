package dev.llmclient.core.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmclient.api.Message;
import dev.llmclient.api.spi.ChatCompletion;
import dev.llmclient.api.spi.ChatCompletionRequest;
import dev.llmclient.core.ManualScheduler;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The default {@link BudgetStore}, through the interface a shared store implements too. */
class BudgetStoreTest {

  private static final long SECOND = 1_000_000_000L;
  private static final long T0 = 1_000 * SECOND;

  private final BudgetStore store = BudgetStore.inProcess();

  private static BudgetStore.Rules rules(int rpm, int tpm) {
    return new BudgetStore.Rules(Duration.ofSeconds(1), 1.0, rpm, tpm);
  }

  @Test
  void aReservationHoldsItsShareWhileInFlightAndForAWindowAfterItsRelease() {
    store.register("east", rules(120, 0)); // 2 requests per 1 s window

    assertThat(store.check("east", 1, T0)).isEqualTo(new BudgetStore.Check(0, 1.0));
    BudgetStore.Reservation first = store.tryReserve("east", 1, T0);
    BudgetStore.Reservation second = store.tryReserve("east", 1, T0);
    assertThat(first).isNotNull();
    assertThat(second).isNotNull();
    assertThat(first.key()).isEqualTo("east");

    // both in flight: a third fits only a window after one of them is released
    assertThat(store.tryReserve("east", 1, T0)).isNull();
    assertThat(store.check("east", 1, T0).waitNanos()).isEqualTo(SECOND);

    store.release(first, 1, T0 + SECOND / 2);
    assertThat(store.check("east", 1, T0 + SECOND).waitNanos()).isEqualTo(SECOND / 2);
    assertThat(store.tryReserve("east", 1, T0 + SECOND)).isNull();
    assertThat(store.tryReserve("east", 1, T0 + SECOND + SECOND / 2)).isNotNull();
  }

  @Test
  void releaseCountsTheChargedTokensInsteadOfTheEstimateAndASecondReleaseDoesNothing() {
    store.register("east", rules(0, 600)); // 10 tokens per window
    BudgetStore.Reservation big = store.tryReserve("east", 9, T0);
    assertThat(big).isNotNull();
    assertThat(big.tokens()).isEqualTo(9);
    assertThat(store.check("east", 2, T0).waitNanos()).isPositive();

    store.release(big, 3, T0);
    store.release(big, 9, T0);

    BudgetStore.Check now = store.check("east", 2, T0);
    assertThat(now.waitNanos()).isZero();
    assertThat(now.headroom()).isEqualTo(0.7, org.assertj.core.data.Offset.offset(1e-9));
  }

  @Test
  void learnedLimitsReplaceTheConfiguredOnesAndAHoldStopsEverythingUntilItEnds() {
    store.register("east", rules(0, 0));
    assertThat(store.limits("east")).isEqualTo(new BudgetStore.Limits(0, 0));

    store.learnLimits("east", 60, 90_000);
    assertThat(store.limits("east")).isEqualTo(new BudgetStore.Limits(60, 90_000));
    store.release(store.tryReserve("east", 1, T0), 1, T0);
    assertThat(store.tryReserve("east", 1, T0)).as("one request per 1 s window").isNull();

    store.register("west", rules(0, 0));
    store.holdUntil("west", T0 + 3 * SECOND);
    store.holdUntil("west", T0 + SECOND); // an earlier hold does not shorten it
    assertThat(store.check("west", 1, T0)).isEqualTo(new BudgetStore.Check(3 * SECOND, 0.0));
    assertThat(store.tryReserve("west", 1, T0 + 2 * SECOND)).isNull();
    assertThat(store.tryReserve("west", 1, T0 + 3 * SECOND)).isNotNull();
  }

  @Test
  void aKeyRegisteredTwiceKeepsItsFirstRulesAndItsCount() {
    store.register("east", rules(60, 0));
    store.tryReserve("east", 1, T0);

    store.register("east", rules(6000, 0));

    assertThat(store.limits("east").requestsPerMinute()).isEqualTo(60);
    assertThat(store.tryReserve("east", 1, T0)).isNull();
  }

  @Test
  void misuseFailsSayingWhatToDo() {
    assertThatThrownBy(() -> store.check("nowhere", 1, T0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no budget is registered under 'nowhere'")
        .hasMessageContaining("register(key, rules)");
    BudgetStore.Reservation foreign =
        new BudgetStore.Reservation() {
          @Override
          public String key() {
            return "east";
          }

          @Override
          public long tokens() {
            return 1;
          }
        };
    store.register("east", rules(60, 0));
    assertThatThrownBy(() -> store.release(foreign, 1, T0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not made by this store");
    assertThatThrownBy(() -> new BudgetStore.Rules(Duration.ZERO, 1.0, 0, 0))
        .hasMessageContaining("budgetWindow must be 1 ms to 60 s");
    assertThatThrownBy(() -> new BudgetStore.Rules(Duration.ofSeconds(1), 1.5, 0, 0))
        .hasMessageContaining("budgetUtilisation must be more than 0 and at most 1");
    assertThatThrownBy(() -> new BudgetStore.Rules(Duration.ofSeconds(1), 1.0, -1, 0))
        .hasMessageContaining("must not be negative");
  }

  @Test
  void twoPoolsSharingAStoreShareTheBudgetOfTheirSameNamedMember() {
    ManualScheduler scheduler = new ManualScheduler();
    FakeMember first = new FakeMember("a");
    FakeMember second = new FakeMember("a");
    BudgetStore shared = BudgetStore.inProcess();
    DeploymentPool one = pool(scheduler, shared, first);
    DeploymentPool two = pool(scheduler, shared, second);
    ChatCompletionRequest request =
        ChatCompletionRequest.of("gpt-4o", List.of(Message.user("Say hello in JSON")));

    assertThat(one.complete(request)).isCompleted();
    CompletableFuture<ChatCompletion> waiting = two.complete(request);

    // 60 rpm over a 1 s window is one request per second for both pools together
    assertThat(waiting).isNotDone();
    assertThat(second.calls()).isZero();
    scheduler.advance(Duration.ofSeconds(1));
    assertThat(waiting).isCompleted();
    assertThat(second.calls()).isEqualTo(1);
    assertThat(two.stats().get(0).budgetWaits()).isEqualTo(1);
  }

  @Test
  void aCallRefusedByASharedStoreWaitsAsLongAsTheStoreSaysNotAPollingInterval() {
    ManualScheduler scheduler = new ManualScheduler();
    FakeMember member = new FakeMember("a");
    BudgetStore local = BudgetStore.inProcess();
    int[] reservations = {0};
    // another process takes the window's one request between the pool's check and its reserve;
    // it finished 990 ms ago, so the budget frees 10 ms from now
    BudgetStore racing =
        new BudgetStore() {
          @Override
          public void register(String key, Rules rules) {
            local.register(key, rules);
          }

          @Override
          public Check check(String key, long tokens, long now) {
            return local.check(key, tokens, now);
          }

          @Override
          public Reservation tryReserve(String key, long tokens, long now) {
            if (reservations[0]++ == 0) {
              long before = now - 990_000_000L;
              local.release(local.tryReserve(key, tokens, before), tokens, before);
            }
            return local.tryReserve(key, tokens, now);
          }

          @Override
          public void release(Reservation r, long chargedTokens, long now) {
            local.release(r, chargedTokens, now);
          }

          @Override
          public void learnLimits(String key, int requestsPerMinute, int tokensPerMinute) {
            local.learnLimits(key, requestsPerMinute, tokensPerMinute);
          }

          @Override
          public void holdUntil(String key, long until) {
            local.holdUntil(key, until);
          }

          @Override
          public Limits limits(String key) {
            return local.limits(key);
          }
        };
    DeploymentPool pool = pool(scheduler, racing, member);

    CompletableFuture<ChatCompletion> call =
        pool.complete(
            ChatCompletionRequest.of("gpt-4o", List.of(Message.user("Say hello in JSON"))));

    assertThat(call).isNotDone();
    scheduler.advance(Duration.ofMillis(10));
    assertThat(call).as("sent when the share frees, 10 ms later").isCompleted();
    assertThat(member.calls()).isEqualTo(1);
    assertThat(reservations[0]).as("one refused reservation, then one granted").isEqualTo(2);
  }

  private static DeploymentPool pool(
      ManualScheduler scheduler, BudgetStore store, FakeMember member) {
    return DeploymentPool.builder()
        .clock(scheduler.clock())
        .scheduler(scheduler)
        .member(DeploymentMember.builder("a", member).requestsPerMinute(60).build())
        .budgetWindow(Duration.ofSeconds(1))
        .budgetUtilisation(1.0)
        .budgetStore(store)
        .build();
  }
}
