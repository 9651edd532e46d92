package dev.llmclient.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Excerpts of hostile bodies: linear, bounded, and still free of secrets. */
class RedactorTest {

  private static final String KEY = "sk-redactor-test-key-0123456789";

  private final Redactor redactor = new Redactor(() -> List.of(KEY));

  @Test
  void aGatewayPageBecomesItsTextOnOneLine() {
    String page =
        "<html>\r\n<head><title>502 Bad Gateway</title><style>body { color: red }</style>"
            + "<SCRIPT type=\"x\">var k = 1 < 2;</SCRIPT></head>\r\n<body>\r\n"
            + "<center><h1>502   Bad\tGateway</h1></center>\r\n<hr><center>nginx</center>\r\n"
            + "</body>\r\n</html>\r\n";

    assertThat(redactor.excerpt(page, 300)).isEqualTo("502 Bad Gateway 502 Bad Gateway nginx");
  }

  @Test
  void anUnclosedTagOrElementKeepsItsText() {
    assertThat(Redactor.flatten("<p>a < b", true)).isEqualTo("a < b");
    assertThat(Redactor.flatten("<script>x = 1", true)).isEqualTo("x = 1");
    assertThat(Redactor.flatten("<p>plain  text</p>", false)).isEqualTo("<p>plain text</p>");
  }

  @Test
  void hostileMarkupIsHandledInOnePass() {
    // Before: two backtracking regexes took about 4 s for 40,000 '<' and minutes for 200,000.
    assertTimeoutPreemptively(
        Duration.ofSeconds(5),
        () -> {
          for (String body :
              List.of(
                  "<".repeat(200_000),
                  "<" + "<script".repeat(50_000),
                  "<" + "<style>".repeat(50_000),
                  "<a " + "x".repeat(1_000_000),
                  " ".repeat(1_000_000) + "<b>")) {
            String excerpt = redactor.excerpt(body, 300);
            assertThat(excerpt.length()).isLessThanOrEqualTo(303);
            assertThat(redactor.excerpt(body.getBytes(StandardCharsets.UTF_8), false, 300).length())
                .isLessThanOrEqualTo(303);
          }
        });
    assertThat(redactor.excerpt("<".repeat(200_000), 20)).isEqualTo("<".repeat(20) + "...");
  }

  @Test
  void onlyTheFirstWindowOfABodyIsRead() {
    String body = "<p>" + "x ".repeat(10) + "<b>" + " ".repeat(2 * Redactor.WINDOW_CHARS) + "tail";

    assertThat(redactor.excerpt(body, 300)).isEqualTo("x x x x x x x x x x...");
  }

  @Test
  void aSecretAcrossTheWindowsEdgeIsStillRemoved() {
    for (int shift = 1; shift < KEY.length(); shift++) {
      String body = "<p>" + "<i>".repeat((Redactor.WINDOW_CHARS - 3 - shift) / 3);
      body = body + "z".repeat(Redactor.WINDOW_CHARS - shift - body.length()) + KEY + " after";

      String excerpt = redactor.excerpt(body, 100_000);

      assertThat(excerpt).as("shift %d", shift).doesNotContain(KEY.substring(0, 8));
      assertThat(excerpt).contains("****");
    }
  }

  @Test
  void aSecretCutOffWhereTheReceivedBytesEndIsDropped() {
    byte[] body = ("error for " + KEY.substring(0, 20)).getBytes(StandardCharsets.UTF_8);

    assertThat(redactor.excerpt(body, false, 300)).isEqualTo("error for...");
    assertThat(redactor.excerpt(body, true, 300)).isEqualTo("error for " + KEY.substring(0, 20));
  }

  @Test
  void aCauseWhoseTextCarriesASecretIsReplacedByARedactedCopy() {
    Exception inner = new IllegalStateException("server said " + KEY);
    Exception outer = new java.io.IOException("wrapped", inner);
    outer.addSuppressed(new RuntimeException("also " + KEY));
    Exception clean = new java.io.IOException("nothing secret", new RuntimeException("fine"));

    Throwable safe = redactor.safeCause(outer);

    assertThat(redactor.safeCause(clean)).isSameAs(clean);
    assertThat(redactor.safeCause(null)).isNull();
    assertThat(safe).isNotSameAs(outer).hasToString("java.io.IOException: wrapped");
    assertThat(safe.getCause())
        .hasToString("java.lang.IllegalStateException: server said ****")
        .hasMessage("java.lang.IllegalStateException: server said ****");
    assertThat(safe.getCause().getStackTrace()).isEqualTo(inner.getStackTrace());
    assertThat(safe.getSuppressed())
        .singleElement()
        .hasToString("java.lang.RuntimeException: also ****");
  }
}
