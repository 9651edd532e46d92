package dev.llmclient.it.conformance;

import static org.assertj.core.api.Assertions.fail;

import dev.llmclient.api.ContentFilterException;
import dev.llmclient.api.EmptyResponseException;
import dev.llmclient.api.InvalidRequestException;
import dev.llmclient.api.InvalidResponseException;
import dev.llmclient.api.RefusalException;
import dev.llmclient.it.faults.TestClients;
import dev.llmclient.it.secrets.Canary;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Runs one SDK call against Prism and fails, with Prism's own reasons, when Prism rejected any of
 * the requests the call sent.
 *
 * <p>Prism answers valid requests with the spec's example or a schema placeholder, so a structured
 * call usually ends in {@link InvalidResponseException} after its re-asks, or in a {@link
 * RefusalException} for the placeholder refusal {@code "string"}: those are accepted. A rejection
 * shows as HTTP 422 (the provider's {@link InvalidRequestException}), as a validator error or
 * violation in Prism's log, or as any other failure (401 for a missing credential, 404 for a path
 * the spec does not have); each fails the test.
 */
final class PrismVerdict {

  private static final Pattern RECEIVED = Pattern.compile("Request received");
  private static final Pattern VALID = Pattern.compile("The request passed the validation rules");
  private static final Pattern ANSWERED =
      Pattern.compile("Responding with \"|Request terminated with error");

  private PrismVerdict() {}

  /**
   * Runs {@code call} and asserts Prism validated every request it sent.
   *
   * @param prism the mock
   * @param shape what request shape this is, for the failure message
   * @param call the SDK call
   * @return how many requests Prism received
   */
  static int assertAccepted(PrismMock prism, String shape, Callable<?> call) {
    return assertAccepted(prism, shape, call, false);
  }

  /**
   * Like {@link #assertAccepted(PrismMock, String, Callable)} for a streaming call: the official
   * specs describe no {@code text/event-stream} answer, so Prism validates the request and then
   * answers 406; that answer is accepted when Prism logged the request as valid.
   */
  static int assertStreamAccepted(PrismMock prism, String shape, Callable<?> call) {
    return assertAccepted(prism, shape, call, true);
  }

  private static int assertAccepted(
      PrismMock prism, String shape, Callable<?> call, boolean stream) {
    int before = prism.log().length();
    Throwable error = null;
    try {
      call.call();
    } catch (Throwable t) {
      error = TestClients.unwrap(t);
    }
    String delta = settledDelta(prism, before);
    int received = count(RECEIVED, delta);
    String reasons =
        delta
            .lines()
            .filter(
                l ->
                    l.contains("[VALIDATOR]") && (l.contains("error") || l.contains("warning"))
                        || l.toLowerCase(java.util.Locale.ROOT).contains("violation"))
            .map(String::strip)
            .collect(Collectors.joining("\n  "));
    if (error != null) {
      Canary.assertAbsentFrom(error);
    }
    if (!reasons.isEmpty()
        || (error instanceof InvalidRequestException ire
            && Integer.valueOf(422).equals(ire.httpStatus()))) {
      fail(
          "Prism rejected the %s request:%n  %s%nSDK exception: %s%nPrism log of this call:%n%s",
          shape, reasons.isEmpty() ? "(422 without a logged reason)" : reasons, error, delta);
    }
    if (received == 0) {
      fail("No %s request reached Prism; the SDK failed with: %s", shape, error);
    }
    if (stream) {
      int valid = count(VALID, delta);
      if (valid < received) {
        fail("Prism validated %d of the %d %s requests:%n%s", valid, received, shape, delta);
      }
      if (error instanceof InvalidRequestException ire
          && Integer.valueOf(406).equals(ire.httpStatus())
          && delta.contains("Unable to find content for text/event-stream")) {
        return received;
      }
    }
    if (error != null && !answerDerived(error)) {
      throw new AssertionError(
          "The "
              + shape
              + " call failed for another reason than Prism's placeholder answer: "
              + error
              + "\nPrism log of this call:\n"
              + delta,
          error);
    }
    return received;
  }

  /**
   * Whether a failure comes from Prism's placeholder answer (content {@code "string"}, refusal
   * {@code "string"}, any finish reason) rather than from the request.
   */
  private static boolean answerDerived(Throwable error) {
    return error instanceof InvalidResponseException
        || error instanceof EmptyResponseException
        || error instanceof RefusalException
        || (error instanceof ContentFilterException cf
            && cf.side() == ContentFilterException.Side.COMPLETION);
  }

  /** The log written since {@code before}, once every received request was answered. */
  private static String settledDelta(PrismMock prism, int before) {
    long deadline = System.nanoTime() + 3_000_000_000L;
    String delta;
    do {
      String log = prism.log();
      delta = log.length() >= before ? log.substring(before) : log;
      if (count(ANSWERED, delta) >= count(RECEIVED, delta)) {
        return delta;
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return delta;
      }
    } while (System.nanoTime() < deadline);
    return delta;
  }

  private static int count(Pattern p, String text) {
    Matcher m = p.matcher(text);
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }
}
