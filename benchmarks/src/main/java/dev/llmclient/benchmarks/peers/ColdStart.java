package dev.llmclient.benchmarks.peers;

import java.lang.management.ManagementFactory;

/**
 * Cold start to first reply: run in a fresh JVM, builds one contender's client, sends the
 * structured call once, and prints the milliseconds from JVM start to the mapped record. Run it
 * several times per contender against a running {@link CannedServer} and compare medians with
 * {@code floor}. The line printed is the contender, the total, and when its client was built.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar dev.llmclient.benchmarks.peers.ColdStart
 * http://127.0.0.1:PORT floor} (or {@code llmclient-openai}, {@code llmclient-azure}, {@code
 * openai-java}, {@code langchain4j}).
 */
public final class ColdStart {

  private ColdStart() {}

  /**
   * Measures one cold call.
   *
   * @param args the canned server's base URI and the contender
   */
  public static void main(String[] args) {
    String base = args[0];
    String contender = args[1];
    long start = ManagementFactory.getRuntimeMXBean().getStartTime();
    Object answer;
    long built;
    try (PeerClients clients = new PeerClients(base, contender)) {
      built = System.currentTimeMillis() - start;
      answer =
          switch (contender) {
            case "floor" -> clients.floorAsync().join();
            case "llmclient-openai" -> clients.llmOpenAi().generate(clients.structured).value();
            case "llmclient-azure" -> clients.llmAzure().generate(clients.structured).value();
            case "openai-java" ->
                PeerClients.first(
                    clients.openAi().chat().completions().create(PeerClients.openAiParams()));
            case "langchain4j" -> clients.langChain4jCall();
            default -> throw new IllegalArgumentException("unknown contender " + contender);
          };
    }
    long ms = System.currentTimeMillis() - start;
    if (!(answer instanceof Person)) {
      throw new IllegalStateException("no person in the reply: " + answer);
    }
    System.out.println(contender + " " + ms + " (client built at " + built + ")");
  }
}
