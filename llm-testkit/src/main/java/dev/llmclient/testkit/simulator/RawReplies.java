package dev.llmclient.testkit.simulator;

import java.util.List;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * The exact replies a test queued ({@link LlmSimulator#enqueueRaw}) or ruled ({@link
 * LlmSimulator#respond}); they replace everything else the simulator would do.
 */
final class RawReplies {

  private record Rule(Predicate<RecordedRequest> when, Function<RecordedRequest, RawReply> reply) {}

  private final Queue<RawReply> queued = new ConcurrentLinkedQueue<>();
  private final List<Rule> rules = new CopyOnWriteArrayList<>();

  void reset() {
    queued.clear();
    rules.clear();
  }

  void enqueue(RawReply reply) {
    queued.add(reply);
  }

  void respond(Predicate<RecordedRequest> when, Function<RecordedRequest, RawReply> reply) {
    rules.add(new Rule(when, reply));
  }

  /** The first queued raw reply, else the first matching rule's, as a playable reply; or null. */
  @Nullable Reply replyTo(RecordedRequest request) {
    RawReply chosen = queued.poll();
    if (chosen == null) {
      for (Rule rule : rules) {
        try {
          if (rule.when().test(request)) {
            chosen =
                Objects.requireNonNull(
                    rule.reply().apply(request), "the respond(...) reply function returned null");
            break;
          }
        } catch (RuntimeException e) {
          return Reply.text(
              500,
              "text/plain; charset=utf-8",
              "A respond(...) rule of the simulator failed on "
                  + request.method()
                  + " "
                  + request.path()
                  + ": "
                  + e
                  + "; fix the rule's predicate or reply function");
        }
      }
    }
    return chosen == null ? null : Reply.raw(chosen);
  }
}
