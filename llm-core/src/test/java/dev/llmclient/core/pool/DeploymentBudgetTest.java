package dev.llmclient.core.pool;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DeploymentBudgetTest {

  private static final long SECOND = 1_000_000_000L;

  /** A request sent and answered at the same moment. */
  private static void admit(DeploymentBudget budget, long at, long tokens) {
    assertThat(budget.delayNanos(at, tokens)).isZero();
    budget.complete(budget.acquire(at, tokens), at, tokens);
  }

  @Test
  void anUnlimitedBudgetNeverWaits() {
    DeploymentBudget budget = new DeploymentBudget(10 * SECOND, 1.0, 0, 0);
    for (int i = 0; i < 1000; i++) {
      admit(budget, SECOND, 1_000_000);
    }
    assertThat(budget.headroom(SECOND)).isEqualTo(1.0);
  }

  @Test
  void requestsRefillAsTheyLeaveTheWindow() {
    // 60 rpm over 10 s: 10 requests per window
    DeploymentBudget budget = new DeploymentBudget(10 * SECOND, 1.0, 60, 0);
    for (int i = 0; i < 10; i++) {
      admit(budget, 100 * SECOND + i * SECOND, 1);
    }
    long now = 109 * SECOND + SECOND / 2;
    assertThat(budget.headroom(now)).isZero();
    // the first one (answered at 100 s) leaves the window at 110 s
    assertThat(budget.delayNanos(now, 1)).isEqualTo(SECOND / 2);
    assertThat(budget.delayNanos(110 * SECOND, 1)).isZero();
    assertThat(budget.usedRequests(110 * SECOND)).isEqualTo(9);
  }

  @Test
  void aRequestHoldsItsShareWhileInFlightAndForAWindowAfterItsAnswer() {
    DeploymentBudget budget = new DeploymentBudget(SECOND, 1.0, 120, 0); // 2 per second
    DeploymentBudget.Entry slow = budget.acquire(0, 1);
    admit(budget, 0, 1);

    // two seconds later the quick one has left, the slow one is still in flight
    assertThat(budget.delayNanos(2 * SECOND, 1)).isZero();
    DeploymentBudget.Entry third = budget.acquire(2 * SECOND, 1);
    assertThat(budget.delayNanos(2 * SECOND, 1)).isEqualTo(SECOND);

    // answered at 3 s, it counts until 4 s however early the server counted it
    budget.complete(slow, 3 * SECOND, 1);
    budget.complete(third, 3 * SECOND, 1);
    assertThat(budget.delayNanos(3 * SECOND + SECOND / 2, 1)).isEqualTo(SECOND / 2);
    assertThat(budget.delayNanos(4 * SECOND, 1)).isZero();
  }

  @Test
  void tokensWaitUntilEnoughOfTheOldestAnswersLeave() {
    // 600 tpm over 10 s: 100 tokens per window
    DeploymentBudget budget = new DeploymentBudget(10 * SECOND, 1.0, 0, 600);
    admit(budget, 0, 40);
    admit(budget, 2 * SECOND, 40);
    assertThat(budget.delayNanos(3 * SECOND, 20)).isZero();
    // 50 more need the first 40 gone: at 10 s
    assertThat(budget.delayNanos(3 * SECOND, 50)).isEqualTo(7 * SECOND);
    // more than a whole window's share fits only when nothing else counts
    assertThat(budget.delayNanos(3 * SECOND, 500)).isEqualTo(9 * SECOND);
    assertThat(budget.delayNanos(12 * SECOND, 500)).isZero();
  }

  @Test
  void reportedUsageReplacesTheEstimate() {
    DeploymentBudget budget = new DeploymentBudget(10 * SECOND, 1.0, 0, 600);
    DeploymentBudget.Entry e = budget.acquire(0, 90);
    assertThat(budget.delayNanos(SECOND, 20)).isPositive();

    budget.complete(e, SECOND, 30);

    assertThat(budget.usedTokens(SECOND)).isEqualTo(30);
    assertThat(budget.delayNanos(SECOND, 20)).isZero();
  }

  @Test
  void utilisationLeavesHeadroomAndAHoldStopsEverythingUntilItEnds() {
    DeploymentBudget budget = new DeploymentBudget(60 * SECOND, 0.9, 100, 0);
    for (int i = 0; i < 90; i++) {
      admit(budget, 0, 1);
    }
    assertThat(budget.delayNanos(0, 1)).isEqualTo(60 * SECOND);

    DeploymentBudget held = new DeploymentBudget(60 * SECOND, 1.0, 0, 0);
    held.holdUntil(5 * SECOND);
    assertThat(held.delayNanos(2 * SECOND, 1)).isEqualTo(3 * SECOND);
    assertThat(held.headroom(2 * SECOND)).isZero();
    assertThat(held.delayNanos(5 * SECOND, 1)).isZero();
  }
}
