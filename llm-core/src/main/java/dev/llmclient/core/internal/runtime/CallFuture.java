package dev.llmclient.core.internal.runtime;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * The future a caller gets for one call. When the caller completes it first ({@code cancel}, {@code
 * orTimeout}, {@code completeOnTimeout}, {@code complete}, {@code completeExceptionally}), the call
 * is told, so that it stops its HTTP exchange, its retry and re-ask and its deadline timer: a
 * future given up on never keeps a request going. A subclass instead of a completion callback, so
 * that the success path allocates nothing for it.
 */
public abstract class CallFuture<T> extends CompletableFuture<T> {

  /**
   * The caller completed this future (or tried to after it was done): stop the call if it is still
   * running. Called on the caller's thread; must be idempotent and must not throw.
   *
   * @param reason what the caller completed it with: a {@link CancellationException}, the exception
   *     passed, or null for a value
   */
  protected abstract void abandoned(@Nullable Throwable reason);

  /** Completes the future with the call's answer, without {@link #abandoned}. */
  public final boolean answer(T value) {
    return super.complete(value);
  }

  /** Completes the future with the call's failure, without {@link #abandoned}. */
  public final boolean failWith(Throwable error) {
    return super.completeExceptionally(error);
  }

  @Override
  public boolean cancel(boolean mayInterruptIfRunning) {
    boolean cancelled = super.cancel(mayInterruptIfRunning);
    if (cancelled) {
      abandoned(new CancellationException("the caller cancelled the call's future"));
    }
    return cancelled;
  }

  @Override
  public boolean completeExceptionally(Throwable ex) {
    boolean completed = super.completeExceptionally(ex);
    if (completed) {
      abandoned(ex);
    }
    return completed;
  }

  @Override
  public boolean complete(T value) {
    boolean completed = super.complete(value);
    if (completed) {
      abandoned(null);
    }
    return completed;
  }
}
