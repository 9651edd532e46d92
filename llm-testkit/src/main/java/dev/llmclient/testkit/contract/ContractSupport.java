package dev.llmclient.testkit.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.llmclient.api.LlmException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/** Shared helpers of the contract tests. */
final class ContractSupport {

  private ContractSupport() {}

  static <T> T await(CompletableFuture<T> future, Duration within) {
    try {
      return future.get(within.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new AssertionError("the call failed: " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new AssertionError("the call did not complete within " + within, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  static LlmException failure(CompletableFuture<?> future, Duration within) {
    try {
      Object value = future.get(within.toMillis(), TimeUnit.MILLISECONDS);
      return fail("expected the call to fail, but it returned " + value);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      while (cause instanceof CompletionException && cause.getCause() != null) {
        cause = cause.getCause();
      }
      assertThat(cause)
          .as("a backend fails calls with an LlmException subtype")
          .isInstanceOf(LlmException.class);
      return (LlmException) cause;
    } catch (TimeoutException e) {
      return fail("the call did not complete within " + within);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return fail("interrupted");
    }
  }

  static boolean eventually(BooleanSupplier condition, Duration within) {
    long deadline = System.nanoTime() + within.toNanos();
    while (System.nanoTime() < deadline) {
      if (condition.getAsBoolean()) {
        return true;
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return condition.getAsBoolean();
  }

  /** Live threads, without the JDK's shared pools that no backend owns. */
  static Set<Thread> threads() {
    Set<Thread> all = new java.util.HashSet<>(Thread.getAllStackTraces().keySet());
    all.removeIf(t -> !t.isAlive() || t.getName().startsWith("ForkJoinPool.commonPool"));
    return all;
  }
}
