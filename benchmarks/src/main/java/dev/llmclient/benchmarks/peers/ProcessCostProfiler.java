package dev.llmclient.benchmarks.peers;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Collection;
import java.util.List;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * What one call costs the whole benchmark process, not just the calling thread: CPU time (every
 * thread's, the I/O reactor's and schedulers' included) and threads started, each divided by the
 * operations of the iteration. The canned server runs in its own JVM, so neither number includes
 * it. Use with {@code -prof dev.llmclient.benchmarks.peers.ProcessCostProfiler}.
 *
 * <p>CPU time per call is only meaningful on a quiet machine and with one benchmark thread; JMH's
 * own harness threads add a small, equal share to every row.
 */
public final class ProcessCostProfiler implements InternalProfiler {

  private final OperatingSystemMXBean os =
      ManagementFactory.getPlatformMXBean(OperatingSystemMXBean.class);
  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
  private long cpuStart;
  private long threadsStart;

  @Override
  public String getDescription() {
    return "process CPU time and threads started per operation";
  }

  @Override
  public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
    threadsStart = threads.getTotalStartedThreadCount();
    cpuStart = os.getProcessCpuTime();
  }

  @Override
  public Collection<? extends Result<?>> afterIteration(
      BenchmarkParams benchmarkParams, IterationParams iterationParams, IterationResult result) {
    long cpu = os.getProcessCpuTime() - cpuStart;
    long started = threads.getTotalStartedThreadCount() - threadsStart;
    long ops = Math.max(1, result.getMetadata().getAllOps());
    return List.of(
        new ScalarResult("cpu.process.per.op", cpu / 1_000.0 / ops, "us/op", AggregationPolicy.AVG),
        new ScalarResult(
            "threads.started.per.op", (double) started / ops, "threads/op", AggregationPolicy.AVG));
  }
}
