package dev.llmclient.core.pool;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DeploymentBudgetTest {

  private static final long SECOND = 1_000_000_000L;

  @Test
  void anUnlimitedBudgetNeverWaits() {
    DeploymentBudget budget = new DeploymentBudget(10 * SECOND, 1.0, 0, 0);
    for (int i = 0; i < 1000; i++) {
      assertThat(budget.delayNanos(SECOND, 1_000_000)).isZero();
      budget.acquire(SECOND, 1_000_000);
    }
    assertThat(budget.headroom(SECOND)).isEqualTo(1.0);
  }

  @Test
  void requestsRefillAsTheirAdmissionsLeaveTheSlidingWindow() {
    // 60 rpm over 10 s: 10 requests in any 10 s
    DeploymentBudget budget = new DeploymentBudget(10 * SECOND, 1.0, 60, 0);
    for (int i = 0; i < 10; i++) {
      long t = 100 * SECOND + i * SECOND;
      assertThat(budget.delayNanos(t, 1)).isZero();
      budget.acquire(t, 1);
    }
    long now = 109 * SECOND + SECOND / 2;
    assertThat(budget.headroom(now)).isZero();
    // the first admission (t=100 s) leaves the window at 110 s
    assertThat(budget.delayNanos(now, 1)).isEqualTo(SECOND / 2);
    assertThat(budget.delayNanos(110 * SECOND, 1)).isZero();
    assertThat(budget.usedRequests(110 * SECOND)).isEqualTo(9);
  }

  @Test
  void tokensWaitUntilEnoughOfTheOldestAdmissionsLeave() {
    // 600 tpm over 10 s: 100 tokens in any 10 s
    DeploymentBudget budget = new DeploymentBudget(10 * SECOND, 1.0, 0, 600);
    budget.acquire(0, 40);
    budget.acquire(2 * SECOND, 40);
    assertThat(budget.delayNanos(3 * SECOND, 20)).isZero();
    // 50 more need the first 40 gone: at 10 s
    assertThat(budget.delayNanos(3 * SECOND, 50)).isEqualTo(7 * SECOND);
    // more than a whole window's share fits only into an empty window
    assertThat(budget.delayNanos(3 * SECOND, 500)).isEqualTo(9 * SECOND);
    assertThat(budget.delayNanos(12 * SECOND, 500)).isZero();
  }

  @Test
  void reportedUsageReplacesTheEstimate() {
    DeploymentBudget budget = new DeploymentBudget(10 * SECOND, 1.0, 0, 600);
    DeploymentBudget.Entry e = budget.acquire(0, 90);
    assertThat(budget.delayNanos(SECOND, 20)).isPositive();

    budget.correct(e, 30);

    assertThat(budget.usedTokens(SECOND)).isEqualTo(30);
    assertThat(budget.delayNanos(SECOND, 20)).isZero();
  }

  @Test
  void utilisationLeavesHeadroomAndAHoldStopsEverythingUntilItEnds() {
    DeploymentBudget budget = new DeploymentBudget(60 * SECOND, 0.9, 100, 0);
    for (int i = 0; i < 90; i++) {
      budget.acquire(0, 1);
    }
    assertThat(budget.delayNanos(0, 1)).isEqualTo(60 * SECOND);

    DeploymentBudget held = new DeploymentBudget(60 * SECOND, 1.0, 0, 0);
    held.holdUntil(5 * SECOND);
    assertThat(held.delayNanos(2 * SECOND, 1)).isEqualTo(3 * SECOND);
    assertThat(held.headroom(2 * SECOND)).isZero();
    assertThat(held.delayNanos(5 * SECOND, 1)).isZero();
  }
}
