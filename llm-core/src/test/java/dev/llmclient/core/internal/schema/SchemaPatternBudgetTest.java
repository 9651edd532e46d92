package dev.llmclient.core.internal.schema;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A schema's {@code pattern} cannot hold the thread that validates an answer: backtracking is
 * stopped by a step budget, overlong values and deep recursion are validation errors. The timeouts
 * only turn a hang into a failure; they measure nothing.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SchemaPatternBudgetTest {

  private static SchemaValidator validator(String pattern) {
    return SchemaValidator.compile(
        JsonNodeFactory.instance.objectNode().put("type", "string").put("pattern", pattern));
  }

  private static SchemaValidator arrayOf(String pattern) {
    var schema = JsonNodeFactory.instance.objectNode().put("type", "array");
    schema.putObject("items").put("type", "string").put("pattern", pattern);
    return SchemaValidator.compile(schema);
  }

  private static JsonNode text(String s) {
    return JsonNodeFactory.instance.textNode(s);
  }

  @Test
  void aCatastrophicallyBacktrackingPatternEndsWithAValidationErrorNamingIt() {
    // the back-reference switches off the JDK's own guard against (a+)+, so this backtracks 2^64
    List<String> errors = validator("^(a+)+\\1$").validate(text("a".repeat(64) + "!"));

    assertThat(errors)
        .singleElement()
        .asString()
        .startsWith("$: \"aaaa")
        .contains("could not be checked against the pattern \"^(a+)+\\\\1$\"")
        .contains("backtracks too much")
        .contains("simplify the pattern");
  }

  @Test
  void theBudgetIsSharedByEveryValueOfOneAnswer() {
    ArrayNode answer = JsonNodeFactory.instance.arrayNode();
    for (int i = 0; i < 500; i++) {
      answer.add("a".repeat(64) + "!");
    }

    List<String> errors = arrayOf("^(a+)+\\1$").validate(answer);

    assertThat(errors).hasSize(500);
    assertThat(errors.get(499))
        .startsWith("$[499]: ")
        .contains("was not checked against the pattern")
        .contains("budget of " + SchemaValidator.MAX_PATTERN_STEPS + " steps");
  }

  @Test
  void aValueLongerThanTheCapIsAValidationErrorAndNotMatched() {
    String tooLong = "a".repeat(SchemaValidator.MAX_PATTERN_INPUT + 1);

    assertThat(validator("^a+$").validate(text(tooLong)))
        .singleElement()
        .asString()
        .contains("has 10001 characters, more than the 10000 checked against the pattern");
    assertThat(validator("^a+$").validate(text(tooLong.substring(1)))).isEmpty();
  }

  @Test
  void ordinaryPatternsOnAnAnswerOfManyLongValuesStillPass() {
    ArrayNode answer = JsonNodeFactory.instance.arrayNode();
    for (int i = 0; i < 50; i++) {
      answer.add("word ".repeat(400) + "end");
    }

    assertThat(arrayOf("^[a-z ]+$").validate(answer)).isEmpty();
    assertThat(arrayOf("end$").validate(answer)).isEmpty();
    assertThat(arrayOf("^[0-9]+$").validate(answer))
        .hasSize(50)
        .allMatch(e -> e.contains("does not match"));
  }

  @Test
  void aPatternThatRecursesPastTheStackIsAValidationErrorNotAStackOverflowError()
      throws InterruptedException {
    AtomicReference<Object> outcome = new AtomicReference<>();
    // a thread with a small stack, as an I/O thread may have: (a|b)* recurses once per character
    Thread small =
        new Thread(
            null,
            () -> {
              try {
                outcome.set(validator("^(a|b)*$").validate(text("ab".repeat(4_000) + "!")));
              } catch (Throwable t) {
                outcome.set(t);
              }
            },
            "small-stack",
            256 * 1024);
    small.start();
    small.join();

    assertThat(outcome.get()).isInstanceOf(List.class);
    @SuppressWarnings("unchecked")
    List<String> errors = new ArrayList<>((List<String>) outcome.get());
    assertThat(errors).singleElement().asString().contains("the pattern recurses too deeply on it");
  }
}
