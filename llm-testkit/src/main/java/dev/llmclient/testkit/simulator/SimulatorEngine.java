package dev.llmclient.testkit.simulator;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The simulator's protocol logic: turns one received request into a {@link Reply}. Runs on the
 * server's I/O threads, never blocks, and keeps all mutable state thread-safe.
 *
 * <p>A facade over the parts: {@link SimulatorRouter} (route, credentials, request checks), {@link
 * ChatEndpoint}, {@link EmbeddingsEndpoint} and {@link FaultInjector}, which read the frozen {@link
 * SimulatorConfig}; the state that changes at run time lives in {@link DeploymentRegistry}, {@link
 * ChatScripts}, {@link RawReplies}, {@link RequestLog}, {@link RateLimiter} and {@link
 * SimulatorCounters}.
 */
final class SimulatorEngine {

  static final String REFUSAL_TEXT = ChatEndpoint.REFUSAL_TEXT;

  /** One request as it arrived. */
  record Incoming(
      String method,
      String path,
      String query,
      Map<String, String> headers,
      byte[] body,
      String protocol) {}

  private final SimulatorCounters counters = new SimulatorCounters();
  private final RateLimiter rateLimiter;
  private final RequestLog log;
  private final DeploymentRegistry deployments;
  private final FaultInjector faults;
  private final ChatScripts scripts;
  private final RawReplies rawReplies = new RawReplies();
  private final SimulatorRouter router;
  private final BatchEndpoints batches;

  SimulatorEngine(SimulatorConfig config) {
    // One seeded source for fault draws and latency jitter, so a seed replays a run.
    Random random = new Random(config.seed());
    this.rateLimiter = new RateLimiter(config.clock(), config.rateWindow().toMillis());
    this.log = new RequestLog(config.maxRecordedRequests());
    this.deployments = new DeploymentRegistry(config);
    this.scripts = new ChatScripts(config);
    RateLimitReplies rateLimits = new RateLimitReplies(config, rateLimiter, counters);
    this.faults = new FaultInjector(config, random, counters, rateLimits);
    ChatEndpoint chat = new ChatEndpoint(config, random, rateLimiter, rateLimits, scripts, log);
    this.batches = new BatchEndpoints(config, deployments, faults, chat);
    this.router =
        new SimulatorRouter(
            config,
            counters,
            log,
            deployments,
            rawReplies,
            faults,
            rateLimits,
            chat,
            new EmbeddingsEndpoint(config, random, rateLimiter, rateLimits, deployments),
            batches);
    reset();
  }

  SimulatorCounters counters() {
    return counters;
  }

  /** Back to the configuration: deployments, faults, scripts; no raw replies, records or counts. */
  void reset() {
    deployments.reset();
    faults.reset();
    scripts.reset();
    rawReplies.reset();
    batches.reset();
    rateLimiter.reset();
    counters.reset();
    log.clear();
  }

  void addFault(Fault fault) {
    faults.add(Objects.requireNonNull(fault, "fault"));
  }

  void clearFaults() {
    faults.clear();
  }

  void script(String phrase, String content) {
    scripts.script(phrase, content);
  }

  void enqueueReply(String content) {
    scripts.enqueue(content);
  }

  void respond(Predicate<RecordedRequest> when, Function<RecordedRequest, RawReply> reply) {
    rawReplies.respond(when, reply);
  }

  void enqueueRaw(RawReply reply) {
    rawReplies.enqueue(reply);
  }

  void addDeployment(Deployment d) {
    deployments.add(d);
  }

  List<Deployment> deployments() {
    return deployments.all();
  }

  List<RecordedRequest> recorded() {
    return log.snapshot();
  }

  void clearRecorded() {
    log.clear();
  }

  Reply handle(Incoming in) {
    return router.handle(in);
  }

  /** The deterministic unit vector for an input: equal inputs give equal vectors. */
  static float[] embedding(String input, int dimensions) {
    return EmbeddingsEndpoint.embedding(input, dimensions);
  }

  static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every JDK", e);
    }
  }
}
