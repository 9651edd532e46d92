package dev.llmclient.testkit.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The image parts of a conversation: checked like the services check them ({@code https}/{@code
 * http} URLs, or base64 {@code data:} URLs of PNG, JPEG, WEBP or GIF), and counted in the prompt
 * tokens (85 for {@code detail: low}, 765 otherwise: a fixed stand-in for the tile formula).
 *
 * @param count how many image parts the conversation holds
 * @param tokens what they add to the prompt tokens
 * @param error the 400 for a malformed image part, or null
 */
record Images(int count, int tokens, @Nullable Reply error) {

  static final int LOW_DETAIL_TOKENS = 85;
  static final int IMAGE_TOKENS = 765;

  private static final Pattern DATA_URL =
      Pattern.compile("data:image/(png|jpeg|webp|gif);base64,[A-Za-z0-9+/]+={0,2}");

  static Images of(@Nullable JsonNode messages) {
    int count = 0;
    int tokens = 0;
    if (messages == null || !messages.isArray()) {
      return new Images(0, 0, null);
    }
    for (int i = 0; i < messages.size(); i++) {
      JsonNode content = messages.get(i).path("content");
      if (!content.isArray()) {
        continue;
      }
      for (int j = 0; j < content.size(); j++) {
        JsonNode part = content.get(j);
        if (!"image_url".equals(part.path("type").asText())) {
          continue;
        }
        String at = "messages[" + i + "].content[" + j + "].image_url";
        String url = part.path("image_url").path("url").asText("");
        String lower = url.toLowerCase(Locale.ROOT);
        boolean ok =
            lower.startsWith("https://")
                || lower.startsWith("http://")
                || DATA_URL.matcher(url).matches();
        if (!ok) {
          return new Images(
              count,
              tokens,
              Reply.error(
                  400,
                  WireErrors.invalidRequest(
                      "Invalid image URL: '"
                          + at
                          + ".url'. Expected a base64-encoded data URL with an image MIME type"
                          + " (e.g. 'data:image/png;base64,aW1nIGJ5dGVzIGhlcmU='), but got a"
                          + " value that is not.",
                      at + ".url",
                      "invalid_value")));
        }
        count++;
        tokens +=
            "low".equals(part.path("image_url").path("detail").asText())
                ? LOW_DETAIL_TOKENS
                : IMAGE_TOKENS;
      }
    }
    return new Images(count, tokens, null);
  }
}
