package dev.llmclient.benchmarks.peers;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Where one call's time goes, thread by thread: runs one contender in a loop against the canned
 * server (in its own JVM) and prints, per thread group of this process, the CPU time and the
 * voluntary context switches (each one a thread going to sleep and later being woken: a hand-off)
 * per call. Linux only (reads {@code /proc/self/task/<tid>/status}); not a JMH benchmark, a
 * profile: compare its rows, not its absolute times.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar
 * dev.llmclient.benchmarks.peers.HopProfile
 * floor-classic|floor|llmclient-openai|llmclient-async|stream-floor|stream [calls [deltas]]}. The
 * two {@code stream} contenders read one whole streamed answer (of {@code deltas} text deltas, 64
 * by default) per call, as {@link StreamingBenchmark} does.
 */
public final class HopProfile {

  private HopProfile() {}

  /**
   * Runs the profile.
   *
   * @param args the contender and, optionally, the number of measured calls (default 20,000) and,
   *     for the stream contenders, the number of text deltas per stream
   * @throws Exception if the server or a call fails
   */
  public static void main(String[] args) throws Exception {
    String contender = args.length > 0 ? args[0] : "llmclient-openai";
    int calls = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
    if (contender.startsWith("stream")) {
      StreamingBenchmark streams = new StreamingBenchmark();
      if (args.length > 2) {
        streams.deltas = Integer.parseInt(args[2]);
      }
      streams.setUp();
      try {
        measure(
            contender,
            calls,
            contender.equals("stream-floor") ? streams::floorWhole : streams::llmclientWhole);
      } finally {
        streams.tearDown();
      }
      return;
    }
    try (CannedServer.Handle server = CannedServer.spawn(0)) {
      String only =
          switch (contender) {
            case "llmclient-async" -> "llmclient-openai";
            default -> contender;
          };
      PeerClients clients = new PeerClients(server.baseUri(), only);
      Supplier<Object> call =
          switch (contender) {
            case "floor-classic" -> clients::floorClassic;
            case "floor" -> () -> clients.floorAsync().join();
            case "llmclient-openai" -> () -> clients.llmOpenAi().generate(clients.structured);
            case "llmclient-async" ->
                () -> clients.llmOpenAi().generateAsync(clients.structured).join();
            default -> throw new IllegalArgumentException("unknown contender " + contender);
          };
      measure(contender, calls, call);
      clients.close();
    }
  }

  private static void measure(String contender, int calls, Supplier<Object> call)
      throws IOException {
    for (int i = 0; i < calls; i++) {
      call.get(); // warm-up
    }
    Map<String, long[]> before = sample();
    long start = System.nanoTime();
    for (int i = 0; i < calls; i++) {
      call.get();
    }
    long elapsed = System.nanoTime() - start;
    Map<String, long[]> after = sample();
    System.out.printf(
        "%s: %d calls, %.1f us per call (wall)%n", contender, calls, elapsed / 1e3 / calls);
    System.out.printf("%-28s %12s %18s%n", "thread group", "CPU us/call", "wake-ups/call");
    long totalCpu = 0;
    for (Map.Entry<String, long[]> e : after.entrySet()) {
      long[] b = before.getOrDefault(e.getKey(), new long[2]);
      long cpu = e.getValue()[0] - b[0];
      long switches = e.getValue()[1] - b[1];
      totalCpu += cpu;
      if (cpu / 1e3 / calls < 0.05 && switches < calls / 100) {
        continue;
      }
      System.out.printf(
          "%-28s %12.1f %18.2f%n", e.getKey(), cpu / 1e3 / calls, (double) switches / calls);
    }
    System.out.printf("%-28s %12.1f%n", "all threads", totalCpu / 1e3 / calls);
  }

  /** Per thread group (name without its trailing number): CPU ns and voluntary switches. */
  private static Map<String, long[]> sample() throws IOException {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    Map<Long, String> names = new HashMap<>();
    List<String> fullNames = new java.util.ArrayList<>();
    for (ThreadInfo info : mx.dumpAllThreads(false, false)) {
      names.put(info.getThreadId(), group(info.getThreadName()));
      fullNames.add(info.getThreadName());
    }
    // CPU per Java thread from the MXBean; switches per OS thread from /proc, matched by name
    Map<String, long[]> out = new TreeMap<>();
    for (Map.Entry<Long, String> e : names.entrySet()) {
      long cpu = mx.getThreadCpuTime(e.getKey());
      if (cpu > 0) {
        out.computeIfAbsent(e.getValue(), k -> new long[2])[0] += cpu;
      }
    }
    try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
      for (Path task : (Iterable<Path>) tasks::iterator) {
        String comm;
        List<String> status;
        try {
          comm = Files.readString(task.resolve("comm")).strip();
          status = Files.readAllLines(task.resolve("status"));
        } catch (IOException gone) {
          continue;
        }
        String key = matching(fullNames, comm);
        for (String line : status) {
          if (line.startsWith("voluntary_ctxt_switches:")) {
            out.computeIfAbsent(key, k -> new long[2])[1] +=
                Long.parseLong(line.substring(line.indexOf(':') + 1).strip());
          }
        }
      }
    }
    return out;
  }

  /** The group a (possibly truncated, 15-character) OS thread name belongs to. */
  private static String matching(List<String> fullNames, String comm) {
    for (String name : fullNames) {
      if (name.equals(comm) || (comm.length() == 15 && name.startsWith(comm))) {
        return group(name);
      }
    }
    return "(jvm) " + group(comm);
  }

  private static String group(String name) {
    return name.replaceAll("[-_ #]?\\d+$", "").replaceAll("[-_ #]?\\d+$", "");
  }
}
