package consumer.app;

import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.core.LlmClients;
import java.util.Map;

/**
 * Asks llmclient which provider it would select for an OpenAI key, with no network call, and
 * exits with 1 unless it is the OpenAI provider found on the module path.
 */
public final class Main {

  private Main() {}

  /**
   * Prints the selected provider.
   *
   * @param args ignored
   */
  public static void main(String[] args) {
    String selected =
        LlmClients.describeProviders(ProviderSettings.of(Map.of("OPENAI_API_KEY", "k")))
            .selectedId()
            .orElse("none");
    System.out.println("selected provider: " + selected + " (module " + module() + ")");
    if (!selected.equals("openai") || !Main.class.getModule().isNamed()) {
      System.exit(1);
    }
  }

  private static String module() {
    return LlmClients.class.getModule().getName();
  }
}
