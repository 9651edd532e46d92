package dev.llmclient.openai;

import java.util.Collection;
import java.util.function.Supplier;

/**
 * Removes known secrets (API keys, bearer tokens, secret header values) from text that came from a
 * server, so that an error message can never carry one, even when a server echoes it back.
 */
final class Redactor {

  private static final int MIN_SECRET_LENGTH = 6;

  private final Supplier<? extends Collection<String>> secrets;

  Redactor(Supplier<? extends Collection<String>> secrets) {
    this.secrets = secrets;
  }

  String redact(String text) {
    String result = text;
    for (String secret : secrets.get()) {
      if (secret.length() >= MIN_SECRET_LENGTH && result.contains(secret)) {
        result = result.replace(secret, "****");
      }
    }
    return result;
  }

  /**
   * A short, single-line excerpt of a body: tags stripped (gateway HTML pages), whitespace
   * collapsed, secrets removed, at most {@code max} characters.
   */
  String excerpt(String body, int max) {
    String text = body;
    if (text.stripLeading().startsWith("<")) {
      text = text.replaceAll("(?is)<(script|style)[^>]*>.*?</\\1>", " ").replaceAll("<[^>]*>", " ");
    }
    // Redact before cutting: a secret that straddled the cut would no longer match.
    text = redact(text.replaceAll("\\s+", " ").strip());
    if (text.length() > max) {
      text = text.substring(0, max) + "...";
    }
    return text;
  }
}
