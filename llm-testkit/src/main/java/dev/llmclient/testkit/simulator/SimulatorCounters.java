package dev.llmclient.testkit.simulator;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Live counters of one simulator, for assertions: requests by route, responses by status, faults by
 * kind, requests and connections in flight. Thread-safe; every read is current.
 *
 * <pre>{@code
 * assertThat(sim.counters().responses(429)).isEqualTo(1);
 * assertThat(sim.counters().faults(Fault.Kind.RESET_MID_BODY)).isEqualTo(2);
 * }</pre>
 */
public final class SimulatorCounters {

  private final Map<Route, LongAdder> byRoute = new ConcurrentHashMap<>();
  private final Map<Integer, LongAdder> byStatus = new ConcurrentHashMap<>();
  private final Map<Fault.Kind, LongAdder> byFault = new ConcurrentHashMap<>();
  private final LongAdder rateLimited = new LongAdder();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger maxInFlight = new AtomicInteger();
  private final AtomicInteger openConnections = new AtomicInteger();
  private final LongAdder connectionsAccepted = new LongAdder();

  SimulatorCounters() {}

  /**
   * Requests received on a route (whatever their outcome).
   *
   * @param route the route
   * @return the count
   */
  public long requests(Route route) {
    LongAdder a = byRoute.get(route);
    return a == null ? 0 : a.sum();
  }

  /**
   * All requests received.
   *
   * @return the count
   */
  public long totalRequests() {
    return byRoute.values().stream().mapToLong(LongAdder::sum).sum();
  }

  /**
   * Responses whose headers were sent with this status (resets count as none).
   *
   * @param status the HTTP status
   * @return the count
   */
  public long responses(int status) {
    LongAdder a = byStatus.get(status);
    return a == null ? 0 : a.sum();
  }

  /**
   * Responses by status, sorted by status.
   *
   * @return a snapshot
   */
  public Map<Integer, Long> responsesByStatus() {
    Map<Integer, Long> m = new TreeMap<>();
    byStatus.forEach((k, v) -> m.put(k, v.sum()));
    return m;
  }

  /**
   * How often a fault kind fired.
   *
   * @param kind the kind
   * @return the count
   */
  public long faults(Fault.Kind kind) {
    LongAdder a = byFault.get(kind);
    return a == null ? 0 : a.sum();
  }

  /**
   * Requests refused with 429 by the RPM/TPM limits (not by injected faults).
   *
   * @return the count
   */
  public long rateLimited() {
    return rateLimited.sum();
  }

  /**
   * Requests received whose answer is not yet complete: an exchange stops counting just before the
   * last piece of its answer is queued, so that a client that has its answer and sends its next
   * request is never counted twice. A reply cut off by a reset counts until the reset.
   *
   * @return the current count
   */
  public int inFlight() {
    return inFlight.get();
  }

  /**
   * The most requests that were in flight at the same time.
   *
   * @return the high-water mark
   */
  public int maxInFlight() {
    return maxInFlight.get();
  }

  /**
   * Client connections currently open.
   *
   * @return the count
   */
  public int openConnections() {
    return openConnections.get();
  }

  /**
   * Client connections accepted since start (or the last reset).
   *
   * @return the count
   */
  public long connectionsAccepted() {
    return connectionsAccepted.sum();
  }

  void route(Route route) {
    byRoute.computeIfAbsent(route, r -> new LongAdder()).increment();
  }

  void status(int status) {
    byStatus.computeIfAbsent(status, s -> new LongAdder()).increment();
  }

  void fault(Fault.Kind kind) {
    byFault.computeIfAbsent(kind, k -> new LongAdder()).increment();
  }

  void rateLimitedByQuota() {
    rateLimited.increment();
  }

  void exchangeStarted() {
    int now = inFlight.incrementAndGet();
    maxInFlight.accumulateAndGet(now, Math::max);
  }

  void exchangeEnded() {
    inFlight.decrementAndGet();
  }

  void connectionOpened() {
    openConnections.incrementAndGet();
    connectionsAccepted.increment();
  }

  void connectionClosed() {
    openConnections.decrementAndGet();
  }

  void reset() {
    byRoute.clear();
    byStatus.clear();
    byFault.clear();
    rateLimited.reset();
    maxInFlight.set(inFlight.get());
    connectionsAccepted.reset();
  }

  /** Lists the non-zero counters. */
  @Override
  public String toString() {
    Map<Route, Long> routes = new TreeMap<>();
    byRoute.forEach((k, v) -> routes.put(k, v.sum()));
    Map<Fault.Kind, Long> faults = new TreeMap<>();
    byFault.forEach((k, v) -> faults.put(k, v.sum()));
    return "SimulatorCounters[requests="
        + routes
        + ", statuses="
        + responsesByStatus()
        + ", faults="
        + faults
        + ", rateLimited="
        + rateLimited()
        + ", inFlight="
        + inFlight()
        + ", maxInFlight="
        + maxInFlight()
        + ", openConnections="
        + openConnections()
        + "]";
  }
}
