package dev.llmclient.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class LlmExceptionTest {

  private final ErrorContext context = new ErrorContext("azure", 429, "req-1");

  @Test
  void retryabilityIsFixedPerType() {
    assertThat(new RateLimitException("x").isRetryable()).isTrue();
    assertThat(new ServerException("x").isRetryable()).isTrue();
    assertThat(new LlmTimeoutException("x").isRetryable()).isTrue();
    assertThat(new LlmConnectionException("x").isRetryable()).isTrue();
    assertThat(new ConflictException("x").isRetryable()).isTrue();
    assertThat(new InvalidRequestException("x").isRetryable()).isFalse();
    assertThat(new ContextLengthExceededException("x").isRetryable()).isFalse();
    assertThat(new AuthenticationException("x").isRetryable()).isFalse();
    assertThat(new NotFoundException("x").isRetryable()).isFalse();
    assertThat(new RefusalException("no").isRetryable()).isFalse();
    assertThat(new EmptyResponseException("x").isRetryable()).isFalse();
    assertThat(new InvalidResponseException("x").isRetryable()).isFalse();
    assertThat(new LlmConfigurationException("x").isRetryable()).isFalse();
  }

  @Test
  void theMessageEndsWithProviderStatusAndRequestId() {
    RateLimitException e =
        new RateLimitException("Slow down.", context, Duration.ofSeconds(3), null);

    assertThat(e).hasMessage("Slow down. [provider=azure, status=429, request-id=req-1]");
    assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(3));
    assertThat(e.provider()).isEqualTo("azure");
    assertThat(e.httpStatus()).isEqualTo(429);
    assertThat(e.requestId()).isEqualTo("req-1");
    assertThat(new RateLimitException("x").retryAfter()).isNull();
  }

  @Test
  void graphitiMessagesAreKept() {
    @SuppressWarnings("deprecation")
    RateLimitException graphiti = new RateLimitException();
    assertThat(graphiti).hasMessage("Rate limit exceeded. Please try again later.");
    assertThat(new RefusalException("I can't help with that").refusal())
        .isEqualTo("I can't help with that");
    assertThatThrownBy(() -> new RefusalException(null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void contentFilterKeepsSideAndCategories() {
    ContentFilterException e =
        new ContentFilterException(
            "filtered",
            context,
            ContentFilterException.Side.PROMPT,
            List.of(
                new ContentFilterException.Result("violence", true, "medium", null),
                new ContentFilterException.Result("jailbreak", false, null, false)),
            null);

    assertThat(e.side()).isEqualTo(ContentFilterException.Side.PROMPT);
    assertThat(e.results()).hasSize(2);
    assertThat(e.filteredCategories())
        .extracting(ContentFilterException.Result::category)
        .containsExactly("violence");
  }

  @Test
  void aContentFilterMessageNamesTheFilteredCategoriesAndTheirSeverities() {
    ContentFilterException e =
        new ContentFilterException(
            "The content filter blocked the prompt.",
            context,
            ContentFilterException.Side.PROMPT,
            List.of(
                new ContentFilterException.Result("hate", true, "high", null),
                new ContentFilterException.Result("sexual", false, "safe", null),
                new ContentFilterException.Result("violence", true, "medium", null),
                new ContentFilterException.Result("jailbreak", true, null, true)),
            null);

    assertThat(e)
        .hasMessage(
            "The content filter blocked the prompt. Blocked by the content filter (prompt):"
                + " hate=high, violence=medium, jailbreak=detected."
                + " [provider=azure, status=429, request-id=req-1]");
  }

  @Test
  void aContentFilterMessageStaysShortAndPrintableWhateverTheServerSent() {
    List<ContentFilterException.Result> many = new java.util.ArrayList<>();
    for (int i = 0; i < 50; i++) {
      many.add(new ContentFilterException.Result("cat" + i + "\u001b[31m", true, "high", null));
    }
    many.add(new ContentFilterException.Result("x".repeat(10_000), true, "y".repeat(10_000), null));
    ContentFilterException e =
        new ContentFilterException(
            "Blocked.", ErrorContext.NONE, ContentFilterException.Side.COMPLETION, many, null);
    ContentFilterException none =
        new ContentFilterException(
            "Blocked.", ErrorContext.NONE, ContentFilterException.Side.COMPLETION, List.of(), null);

    assertThat(e.getMessage())
        .startsWith("Blocked. Blocked by the content filter (completion): cat0?[31m=high, ")
        .endsWith(" and 43 more.")
        .doesNotContain("\u001b")
        .hasSizeLessThan(400);
    assertThat(none)
        .hasMessage("Blocked. Blocked by the content filter (completion): no category reported.");
  }

  @Test
  void aConnectionPoolTimeoutIsNotRetried() {
    assertThat(new ConnectionPoolTimeoutException("x", context, null).isRetryable()).isFalse();
  }

  @Test
  void usageAddsUpAndRejectsNegativeCounts() {
    assertThat(Usage.of(10, 5).plus(new Usage(1, 2, 3, 4))).isEqualTo(new Usage(11, 7, 3, 4));
    assertThat(Usage.of(10, 5).totalTokens()).isEqualTo(15);
    assertThat(Usage.of(Long.MAX_VALUE, 2).plus(Usage.of(Long.MAX_VALUE, 3)))
        .as("a broken server's huge counts saturate instead of wrapping negative")
        .isEqualTo(Usage.of(Long.MAX_VALUE, 5));
    assertThat(Usage.of(Long.MAX_VALUE, 1).totalTokens()).isEqualTo(Long.MAX_VALUE);
    assertThatThrownBy(() -> Usage.of(-1, 0)).isInstanceOf(IllegalArgumentException.class);
  }
}
