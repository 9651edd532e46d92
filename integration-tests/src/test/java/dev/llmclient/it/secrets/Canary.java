package dev.llmclient.it.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The canary credentials every end-to-end test uses, and the checks that they never leak.
 *
 * <p>The values are long and distinctive so that a match anywhere (a log line, an exception
 * message, a {@code toString()}, a span attribute) can only mean a leak. Parts of them are checked
 * too: a leak that prints the last eight characters is still a leak.
 */
public final class Canary {

  /** The API key every simulator and Prism test authenticates with. */
  public static final String API_KEY = "sk-canary-APIKEY-7f3a9c2e51d84b06a1e2";

  /** The Entra ID bearer token the Azure token-auth tests use. */
  public static final String BEARER_TOKEN = "eyJcanary.BEARER-TOKEN.4c1d8e7b9a2f60d3";

  private Canary() {}

  /** Every secret, and the distinctive fragments that would reveal one. */
  public static List<String> fragments() {
    List<String> out = new ArrayList<>();
    for (String secret : List.of(API_KEY, BEARER_TOKEN)) {
      out.add(secret);
      out.add(secret.substring(secret.length() - 12));
      out.add(secret.substring(0, 20));
    }
    return out;
  }

  /** The fragment of a secret that {@code text} contains, or null when it contains none. */
  public static String findIn(CharSequence text) {
    String haystack = text.toString();
    String lower = haystack.toLowerCase(Locale.ROOT);
    for (String fragment : fragments()) {
      if (haystack.contains(fragment) || lower.contains(fragment.toLowerCase(Locale.ROOT))) {
        return fragment;
      }
    }
    return null;
  }

  /**
   * Fails when {@code text} contains a secret.
   *
   * @param where what the text is, for the failure message
   * @param text the text to check
   */
  public static void assertAbsent(String where, CharSequence text) {
    assertThat(findIn(text)).as("a canary secret appeared in %s: %s", where, text).isNull();
  }

  /**
   * Fails when the message, {@code toString()} or stack-trace text of a throwable, or of any of its
   * causes and suppressed exceptions, contains a secret.
   *
   * @param error the throwable
   */
  public static void assertAbsentFrom(Throwable error) {
    assertAbsent("an exception", describe(error, 0));
  }

  private static String describe(Throwable error, int depth) {
    if (depth > 10) {
      return "";
    }
    StringBuilder sb = new StringBuilder(String.valueOf(error)).append('\n');
    if (error.getCause() != null && error.getCause() != error) {
      sb.append(describe(error.getCause(), depth + 1));
    }
    for (Throwable s : error.getSuppressed()) {
      sb.append(describe(s, depth + 1));
    }
    return sb.toString();
  }

  /** Fails when any log event captured so far in this JVM contained a secret. */
  public static void assertNotLogged() {
    assertThat(CanaryLogWatcher.violations())
        .as("log events that contained a canary secret")
        .isEmpty();
  }
}
