package dev.llmclient.testkit.simulator;

import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;

/** The chat contents a test chose: queued replies first, then phrase-matched scripts. */
final class ChatScripts {

  private record Script(String phrase, String content) {}

  private final SimulatorConfig config;
  private final List<Script> scripts = new CopyOnWriteArrayList<>();
  private final Queue<String> queued = new ConcurrentLinkedQueue<>();

  ChatScripts(SimulatorConfig config) {
    this.config = config;
  }

  /** Back to the builder's scripts, with nothing queued. */
  void reset() {
    scripts.clear();
    config.scripts().forEach((phrase, content) -> scripts.add(new Script(phrase, content)));
    queued.clear();
  }

  void script(String phrase, String content) {
    scripts.add(new Script(phrase, content));
  }

  void enqueue(String content) {
    queued.add(content);
  }

  /** The content chosen for this prompt, or null to generate one. */
  @Nullable String contentFor(String promptText) {
    String next = queued.poll();
    if (next != null) {
      return next;
    }
    for (Script s : scripts) {
      if (promptText.contains(s.phrase())) {
        return s.content();
      }
    }
    return null;
  }
}
