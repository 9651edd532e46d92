package dev.llmclient.core.internal.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.math.BigDecimal;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.jspecify.annotations.Nullable;

/**
 * Validates answers against a JSON schema of the strict structured-output subset (the keywords
 * {@link StrictSchemaCheck} admits) with JSON Schema 2020-12 semantics: {@code type}, {@code
 * properties}, {@code required}, {@code additionalProperties}, {@code items}, {@code enum}, {@code
 * const}, {@code anyOf}, local {@code $ref} (to {@code #}, {@code $defs} and {@code definitions}),
 * {@code pattern}, {@code minimum}/{@code maximum} and their exclusive forms, {@code multipleOf},
 * {@code minItems}/{@code maxItems}. {@code format} is an annotation, as 2020-12 specifies by
 * default; other annotations are ignored.
 *
 * <p>Compiling resolves every pattern once, so a bad regular expression is reported before the call
 * is sent. Every validation is bounded by a step budget and stops at a reference cycle that does
 * not consume the value. Patterns are bounded too, because validation runs on the thread that
 * delivered the answer and a backtracking pattern such as {@code ^(a+)+$} could otherwise hold it
 * for ever: a string longer than {@value #MAX_PATTERN_INPUT} characters is not matched, each match
 * may read at most {@value #PATTERN_STEPS_PER_CHAR} characters per character of its input (plus
 * {@value #PATTERN_STEPS_BASE}), and all matches of one validation together at most {@value
 * #MAX_PATTERN_STEPS}; a match that runs out, or overflows the stack, is a validation error that
 * names the pattern. Measured on a shared 2-core machine, an answer of 1,000 strings of 10,000
 * characters against backtracking patterns, which spends the whole budget, validated in 1 to 75 ms.
 * Instances are immutable and thread-safe.
 *
 * <p>Written for this pipeline instead of using a general-purpose validator: a general validator
 * costs about 95 ms of class loading on a cold start for keywords strict mode never allows.
 */
final class SchemaValidator {

  /** The deepest nesting of schema levels followed for one value. */
  private static final int MAX_DEPTH = 256;

  /**
   * Schema applications one validation may make: far above any real schema and answer, low enough
   * that a pathological explicit schema (anyOf over shared references) ends in milliseconds.
   */
  private static final int MAX_STEPS = 1_000_000;

  /** The longest string matched against a {@code pattern}; a longer one is a validation error. */
  static final int MAX_PATTERN_INPUT = 10_000;

  /** Characters one match may read per character of its input. */
  static final long PATTERN_STEPS_PER_CHAR = 64;

  /** Characters one match may read in addition, so that short inputs have room to backtrack. */
  static final long PATTERN_STEPS_BASE = 10_000;

  /** Characters all matches of one validation may read together. */
  static final long MAX_PATTERN_STEPS = 1_000_000;

  private final JsonNode root;
  private final Map<String, Pattern> patterns = new HashMap<>();

  /** Every {@code $ref} of the schema, resolved once when compiling. */
  private final Map<String, JsonNode> refs = new HashMap<>();

  private SchemaValidator(JsonNode root) {
    this.root = root;
  }

  /**
   * Compiles a schema.
   *
   * @throws IllegalArgumentException when a {@code pattern} is not a valid regular expression or a
   *     {@code $ref} does not resolve, naming the place
   */
  static SchemaValidator compile(JsonNode schema) {
    SchemaValidator validator = new SchemaValidator(schema);
    validator.prepare(schema, "$", 0);
    return validator;
  }

  /** Every violation, each starting with the JSON path of the offending value; empty if valid. */
  List<String> validate(JsonNode instance) {
    Run run =
        new Run(new ArrayList<>(0), new int[1], new long[] {MAX_PATTERN_STEPS}, new HashSet<>());
    check(root, instance, "$", run, 0);
    if (run.exhausted()) {
      run.fail(
          "$: the schema is too complex to validate within "
              + MAX_STEPS
              + " steps; simplify its anyOf and $ref structure");
    }
    return run.errors;
  }

  private void prepare(JsonNode schema, String where, int depth) {
    if (!schema.isObject() || depth > MAX_DEPTH) {
      return;
    }
    JsonNode pattern = schema.get("pattern");
    if (pattern != null && pattern.isTextual()) {
      try {
        patterns.putIfAbsent(pattern.textValue(), Pattern.compile(pattern.textValue()));
      } catch (PatternSyntaxException e) {
        throw new IllegalArgumentException(
            where
                + ".pattern '"
                + pattern.textValue()
                + "' is not a valid regular expression: "
                + e.getDescription(),
            e);
      }
    }
    JsonNode ref = schema.get("$ref");
    JsonNode resolved = ref == null ? null : resolve(ref.asText());
    if (resolved != null) {
      refs.put(ref.asText(), resolved);
    } else if (ref != null) {
      throw new IllegalArgumentException(
          where
              + ".$ref '"
              + ref.asText()
              + "' does not resolve; only references inside the schema (#, #/$defs/...) are"
              + " supported");
    }
    for (Map.Entry<String, JsonNode> e : schema.properties()) {
      String keyword = e.getKey();
      JsonNode value = e.getValue();
      switch (keyword) {
        case "properties", "$defs", "definitions" -> {
          for (Map.Entry<String, JsonNode> child : value.properties()) {
            prepare(child.getValue(), where + "." + keyword + "." + child.getKey(), depth + 1);
          }
        }
        case "items", "additionalProperties" -> prepare(value, where + "." + keyword, depth + 1);
        case "anyOf" -> {
          for (int i = 0; i < value.size(); i++) {
            prepare(value.get(i), where + ".anyOf[" + i + "]", depth + 1);
          }
        }
        default -> {}
      }
    }
  }

  private void check(JsonNode schema, JsonNode value, String path, Run run, int depth) {
    if (schema.isBoolean()) {
      if (!schema.booleanValue()) {
        run.fail(path + ": no value is allowed here");
      }
      return;
    }
    if (!schema.isObject()) {
      return;
    }
    if (!run.step() || depth > MAX_DEPTH) {
      if (depth > MAX_DEPTH) {
        run.fail(path + ": the schema nests deeper than " + MAX_DEPTH + " levels here");
      }
      return;
    }
    if (value.isNumber() && decimal(value) == null) {
      run.fail(path + ": " + value.asText() + " is not a finite number");
      return;
    }
    JsonNode ref = schema.get("$ref");
    if (ref != null) {
      JsonNode target = refs.get(ref.asText());
      if (target == null) {
        target = resolve(ref.asText()); // only below the depth compile() looks at
      }
      if (target != null) {
        run.follow(target, value, path, depth, this);
      }
    }
    JsonNode type = schema.get("type");
    if (type != null && !typeMatches(type, value)) {
      run.fail(path + ": " + typeName(value) + " found, " + expected(type) + " expected");
      return; // the remaining keywords would only repeat the mismatch
    }
    JsonNode values = schema.get("enum");
    if (values != null && values.isArray() && !contains(values, value)) {
      run.fail(path + ": " + brief(value) + " is not one of " + values);
    }
    JsonNode constant = schema.get("const");
    if (constant != null && !jsonEquals(constant, value)) {
      run.fail(path + ": must be the constant " + constant);
    }
    JsonNode anyOf = schema.get("anyOf");
    if (anyOf != null && anyOf.isArray()) {
      checkAnyOf(anyOf, value, path, run, depth);
    }
    if (value.isObject()) {
      checkObject(schema, value, path, run, depth);
    } else if (value.isArray()) {
      checkArray(schema, value, path, run, depth);
    } else if (value.isTextual()) {
      JsonNode pattern = schema.get("pattern");
      if (pattern != null && pattern.isTextual()) {
        Pattern compiled = patterns.get(pattern.textValue());
        if (compiled != null) {
          checkPattern(compiled, pattern, value, path, run);
        }
      }
    } else if (value.isNumber()) {
      checkNumber(schema, value, path, run);
    }
  }

  /** Matches a string against a pattern within the length cap and the step budgets. */
  private static void checkPattern(
      Pattern compiled, JsonNode pattern, JsonNode value, String path, Run run) {
    String text = value.textValue();
    if (text.length() > MAX_PATTERN_INPUT) {
      run.fail(
          path
              + ": "
              + brief(value)
              + " has "
              + text.length()
              + " characters, more than the "
              + MAX_PATTERN_INPUT
              + " checked against the pattern "
              + pattern
              + "; ask for a shorter value or drop the pattern");
      return;
    }
    long allowed =
        Math.min(PATTERN_STEPS_BASE + PATTERN_STEPS_PER_CHAR * text.length(), run.patternSteps[0]);
    if (allowed <= 0) {
      run.fail(
          path
              + ": "
              + brief(value)
              + " was not checked against the pattern "
              + pattern
              + ": the other values' patterns spent this answer's budget of "
              + MAX_PATTERN_STEPS
              + " steps; simplify the patterns");
      return;
    }
    CountingChars chars = new CountingChars(text, allowed);
    boolean found;
    try {
      found = compiled.matcher(chars).find();
    } catch (CountingChars.OutOfSteps | StackOverflowError e) {
      // a stack overflow is costly and reads few characters: charge the whole allowance for it
      run.patternSteps[0] -= e instanceof StackOverflowError ? allowed : chars.used();
      run.fail(
          path
              + ": "
              + brief(value)
              + " could not be checked against the pattern "
              + pattern
              + (e instanceof StackOverflowError
                  ? ": the pattern recurses too deeply on it"
                  : " within " + allowed + " steps: the pattern backtracks too much on it")
              + "; simplify the pattern (no nested quantifiers such as (a+)+ or repeated"
              + " alternatives such as (a|b)*)");
      return;
    }
    run.patternSteps[0] -= chars.used();
    if (!found) {
      run.fail(path + ": " + brief(value) + " does not match the pattern " + pattern);
    }
  }

  private void checkAnyOf(JsonNode anyOf, JsonNode value, String path, Run run, int depth) {
    @Nullable List<String> closest = null;
    for (JsonNode alternative : anyOf) {
      Run attempt = run.fork();
      check(alternative, value, path, attempt, depth + 1);
      if (attempt.errors.isEmpty() && !run.exhausted()) {
        return;
      }
      if (closest == null || rank(attempt.errors, path) < rank(closest, path)) {
        closest = attempt.errors;
      }
    }
    run.fail(
        path
            + ": matches none of the "
            + anyOf.size()
            + " allowed schemas (anyOf)"
            + (closest == null ? "" : "; the closest fails with: " + String.join("; ", closest)));
  }

  /** Fewer errors rank closer, but an alternative of the wrong type ranks last. */
  private static int rank(List<String> attempt, String path) {
    boolean wrongType =
        attempt.size() == 1
            && attempt.get(0).startsWith(path + ": ")
            && attempt.get(0).endsWith(" expected");
    return wrongType ? Integer.MAX_VALUE : attempt.size();
  }

  private void checkObject(JsonNode schema, JsonNode value, String path, Run run, int depth) {
    JsonNode properties = schema.path("properties");
    JsonNode required = schema.get("required");
    if (required != null && required.isArray()) {
      for (JsonNode name : required) {
        if (!value.has(name.asText())) {
          run.fail(path + ": required property '" + name.asText() + "' is missing");
        }
      }
    }
    JsonNode additional = schema.get("additionalProperties");
    for (Map.Entry<String, JsonNode> e : value.properties()) {
      String childPath = child(path, e.getKey());
      JsonNode propertySchema = properties.get(e.getKey());
      if (propertySchema != null) {
        check(propertySchema, e.getValue(), childPath, run, depth + 1);
      } else if (additional != null && additional.isBoolean() && !additional.booleanValue()) {
        run.fail(path + ": property '" + e.getKey() + "' is not defined in the schema");
      } else if (additional != null && additional.isObject()) {
        check(additional, e.getValue(), childPath, run, depth + 1);
      }
    }
  }

  private void checkArray(JsonNode schema, JsonNode value, String path, Run run, int depth) {
    JsonNode items = schema.get("items");
    if (items != null) {
      for (int i = 0; i < value.size(); i++) {
        check(items, value.get(i), path + "[" + i + "]", run, depth + 1);
      }
    }
    JsonNode min = schema.get("minItems");
    if (min != null && min.canConvertToLong() && value.size() < min.asLong()) {
      run.fail(path + ": has " + value.size() + " items, at least " + min.asLong() + " needed");
    }
    JsonNode max = schema.get("maxItems");
    if (max != null && max.canConvertToLong() && value.size() > max.asLong()) {
      run.fail(path + ": has " + value.size() + " items, at most " + max.asLong() + " allowed");
    }
  }

  private static void checkNumber(JsonNode schema, JsonNode value, String path, Run run) {
    BigDecimal number = Objects.requireNonNull(decimal(value)); // check() refused non-finite ones
    bound(schema, "minimum", number, path, run, c -> c >= 0, "at least");
    bound(schema, "maximum", number, path, run, c -> c <= 0, "at most");
    bound(schema, "exclusiveMinimum", number, path, run, c -> c > 0, "greater than");
    bound(schema, "exclusiveMaximum", number, path, run, c -> c < 0, "less than");
    JsonNode multipleOf = schema.get("multipleOf");
    BigDecimal step = multipleOf == null ? null : decimal(multipleOf);
    if (step != null && step.signum() > 0) {
      if (number.remainder(step).signum() != 0) {
        run.fail(path + ": " + value + " is not a multiple of " + multipleOf);
      }
    }
  }

  private interface Comparison {
    boolean holds(int comparison);
  }

  private static void bound(
      JsonNode schema,
      String keyword,
      BigDecimal number,
      String path,
      Run run,
      Comparison ok,
      String words) {
    JsonNode limit = schema.get(keyword);
    BigDecimal bound = limit == null ? null : decimal(limit);
    if (bound != null && !ok.holds(number.compareTo(bound))) {
      run.fail(path + ": " + number.toPlainString() + " must be " + words + " " + limit);
    }
  }

  /** Resolves a local reference: {@code #} or a JSON pointer below it; null when it does not. */
  private @Nullable JsonNode resolve(String ref) {
    if (ref.equals("#")) {
      return root;
    }
    if (!ref.startsWith("#/")) {
      return null;
    }
    JsonNode node = root;
    for (String token : ref.substring(2).split("/", -1)) {
      String key =
          URLDecoder.decode(token.replace("+", "%2B"), StandardCharsets.UTF_8)
              .replace("~1", "/")
              .replace("~0", "~");
      node =
          node.isArray() && key.chars().allMatch(Character::isDigit) && !key.isEmpty()
              ? node.get(Integer.parseInt(key))
              : node.get(key);
      if (node == null) {
        return null;
      }
    }
    return node;
  }

  /** A number's exact value; null for a non-number or a non-finite double (e.g. 1e400). */
  private static @Nullable BigDecimal decimal(JsonNode number) {
    if (!number.isNumber()) {
      return null;
    }
    if ((number.isDouble() || number.isFloat()) && !Double.isFinite(number.doubleValue())) {
      return null;
    }
    return number.decimalValue();
  }

  /**
   * The state of one validation: its errors, a step budget and a pattern budget shared with every
   * anyOf attempt, and the ($ref target, value) pairs being followed, so a schema that refers back
   * to itself without consuming any of the value ends with an error instead of recursing until the
   * budget is spent.
   */
  private record Run(List<String> errors, int[] steps, long[] patternSteps, Set<Visit> following) {

    Run fork() {
      return new Run(new ArrayList<>(0), steps, patternSteps, following);
    }

    void fail(String error) {
      errors.add(error);
    }

    /** Counts a step; false once the budget is spent (validate() then reports it). */
    boolean step() {
      return ++steps[0] <= MAX_STEPS;
    }

    boolean exhausted() {
      return steps[0] > MAX_STEPS;
    }

    void follow(JsonNode target, JsonNode value, String path, int depth, SchemaValidator v) {
      Visit visit = new Visit(target, value);
      if (!following.add(visit)) {
        fail(path + ": the schema refers back to itself here without consuming the value");
        return;
      }
      try {
        v.check(target, value, path, this, depth + 1);
      } finally {
        following.remove(visit);
      }
    }
  }

  /** A schema node applied to a value node, compared by identity. */
  private static final class Visit {
    private final JsonNode schema;
    private final JsonNode value;

    Visit(JsonNode schema, JsonNode value) {
      this.schema = schema;
      this.value = value;
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof Visit v && v.schema == schema && v.value == value;
    }

    @Override
    public int hashCode() {
      return 31 * System.identityHashCode(schema) + System.identityHashCode(value);
    }
  }

  private static boolean typeMatches(JsonNode type, JsonNode value) {
    if (type.isTextual()) {
      return isOfType(type.textValue(), value);
    }
    if (type.isArray()) {
      for (JsonNode t : type) {
        if (isOfType(t.asText(), value)) {
          return true;
        }
      }
      return false;
    }
    return true;
  }

  private static boolean isOfType(String type, JsonNode value) {
    return switch (type) {
      case "null" -> value.isNull();
      case "boolean" -> value.isBoolean();
      case "object" -> value.isObject();
      case "array" -> value.isArray();
      case "string" -> value.isTextual();
      case "number" -> value.isNumber();
      case "integer" ->
          value.isIntegralNumber() || (decimal(value) != null && isWhole(decimal(value)));
      default -> false;
    };
  }

  private static boolean isWhole(BigDecimal number) {
    return number.signum() == 0 || number.stripTrailingZeros().scale() <= 0;
  }

  private static boolean contains(JsonNode values, JsonNode value) {
    for (JsonNode candidate : values) {
      if (jsonEquals(candidate, value)) {
        return true;
      }
    }
    return false;
  }

  /** JSON equality: numbers compare by value (1 equals 1.0), objects ignore member order. */
  private static boolean jsonEquals(JsonNode a, JsonNode b) {
    if (a.isNumber() && b.isNumber()) {
      BigDecimal x = decimal(a);
      BigDecimal y = decimal(b);
      return x != null && y != null ? x.compareTo(y) == 0 : a.equals(b);
    }
    if (a.isArray() && b.isArray()) {
      if (a.size() != b.size()) {
        return false;
      }
      for (int i = 0; i < a.size(); i++) {
        if (!jsonEquals(a.get(i), b.get(i))) {
          return false;
        }
      }
      return true;
    }
    if (a.isObject() && b.isObject()) {
      if (a.size() != b.size()) {
        return false;
      }
      for (Map.Entry<String, JsonNode> e : a.properties()) {
        JsonNode other = b.get(e.getKey());
        if (other == null || !jsonEquals(e.getValue(), other)) {
          return false;
        }
      }
      return true;
    }
    return a.equals(b);
  }

  private static String child(String path, String name) {
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (!(Character.isLetterOrDigit(c) || c == '_') || (i == 0 && Character.isDigit(c))) {
        return path + "['" + name.replace("'", "\\'") + "']";
      }
    }
    return name.isEmpty() ? path + "['']" : path + "." + name;
  }

  private static String typeName(JsonNode value) {
    if (value.isIntegralNumber()) {
      return "integer";
    }
    return switch (value.getNodeType()) {
      case NULL -> "null";
      case BOOLEAN -> "boolean";
      case OBJECT -> "object";
      case ARRAY -> "array";
      case STRING -> "string";
      case NUMBER -> "number";
      default -> value.getNodeType().name().toLowerCase(Locale.ROOT);
    };
  }

  private static String expected(JsonNode type) {
    if (type.isTextual()) {
      return type.textValue();
    }
    List<String> names = new ArrayList<>();
    type.forEach(t -> names.add(t.asText()));
    return String.join(" or ", names);
  }

  private static String brief(JsonNode value) {
    if (value.isTextual() && value.textValue().length() > 60) {
      // never serialise a long string only to cut it (the first 57 characters stay the same)
      String head = value.textValue();
      int cut = Character.isHighSurrogate(head.charAt(59)) ? 59 : 60;
      value = JsonNodeFactory.instance.textNode(head.substring(0, cut));
    }
    String text = value.toString();
    return text.length() <= 60 ? text : text.substring(0, 57) + "...";
  }
}
