package dev.llmclient.core.internal.schema;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.llmclient.core.internal.runtime.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Schema shapes the strict generator never writes but an explicit schema may: enums and constants
 * of objects and arrays, false schemas, references into arrays, type lists, deep nesting. Each
 * verdict is checked against a general-purpose validator, and each message by its text.
 */
class SchemaValidatorEdgesTest {

  private static final SchemaRegistry REFERENCE =
      SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

  private static JsonNode json(String text) {
    try {
      return Json.MAPPER.readTree(text.replace('\'', '"'));
    } catch (Exception e) {
      throw new IllegalArgumentException(text, e);
    }
  }

  /** Our errors, after checking that our verdict is the reference validator's. */
  private static List<String> errors(String schema, String instance) {
    JsonNode s = json(schema);
    JsonNode i = json(instance);
    List<String> ours = SchemaValidator.compile(s).validate(i);
    boolean theirsValid = REFERENCE.getSchema(s).validate(i).isEmpty();
    assertThat(ours.isEmpty())
        .as("our verdict on %s against %s is the reference validator's", instance, schema)
        .isEqualTo(theirsValid);
    return ours;
  }

  @Test
  void enumsOfObjectsAndArraysCompareWholeValues() {
    String schema = "{'enum':[{'a':[1,2]},[1,{'b':null}]]}";

    assertThat(errors(schema, "{'a':[1,2]}")).isEmpty();
    // equal numbers are equal however written, at any depth (JSON Schema 2020-12, section 4.2.2);
    // the reference validator compares nested numbers by their written form, so it is not asked
    assertThat(SchemaValidator.compile(json(schema)).validate(json("{'a':[1.0,2]}"))).isEmpty();
    assertThat(errors(schema, "[1,{'b':null}]")).isEmpty();
    for (String wrong :
        List.of("{'a':[1,3]}", "{'a':[1]}", "{'a':[1,2],'c':0}", "{'z':[1,2]}", "[1]", "[1,{}]")) {
      assertThat(errors(schema, wrong))
          .as(wrong)
          .singleElement()
          .asString()
          .startsWith("$: ")
          .endsWith(" is not one of [{\"a\":[1,2]},[1,{\"b\":null}]]");
    }
  }

  @Test
  void aConstantObjectMustMatchKeyForKey() {
    String schema = "{'type':'object','properties':{'v':{'const':{'k':'v','n':[true]}}}}";

    assertThat(errors(schema, "{'v':{'n':[true],'k':'v'}}")).isEmpty();
    assertThat(errors(schema, "{'v':{'k':'v','n':[false]}}"))
        .containsExactly("$.v: must be the constant {\"k\":\"v\",\"n\":[true]}");
    assertThat(errors(schema, "{'v':{'k':'v'}}"))
        .containsExactly("$.v: must be the constant {\"k\":\"v\",\"n\":[true]}");
  }

  @Test
  void aFalseSchemaAllowsNoValueAndATrueSchemaAny() {
    String schema = "{'type':'object','properties':{'never':false,'any':true}}";

    assertThat(errors(schema, "{'any':[1,'x',null]}")).isEmpty();
    assertThat(errors(schema, "{'never':null}"))
        .containsExactly("$.never: no value is allowed here");
  }

  @Test
  void aReferenceMayPointIntoAnArrayAndEscapedNames() {
    String schema =
        "{'$defs':{'a/b':{'type':'boolean'}},'type':'object','properties':{"
            + "'choice':{'anyOf':[{'type':'string'},{'type':'integer'}]},"
            + "'n':{'$ref':'#/properties/choice/anyOf/1'},'f':{'$ref':'#/$defs/a~1b'}}}";

    assertThat(errors(schema, "{'n':4,'f':true}")).isEmpty();
    assertThat(errors(schema, "{'n':'four'}"))
        .containsExactly("$.n: string found, integer expected");
    assertThat(errors(schema, "{'f':1}")).containsExactly("$.f: integer found, boolean expected");
  }

  @Test
  void aListOfTypesNamesEveryAlternativeWhenNoneMatches() {
    String schema = "{'type':['number','boolean']}";

    assertThat(errors(schema, "2.5")).isEmpty();
    assertThat(errors(schema, "false")).isEmpty();
    assertThat(errors(schema, "'x'"))
        .containsExactly("$: string found, number or boolean expected");
    assertThat(errors(schema, "{}")).containsExactly("$: object found, number or boolean expected");
  }

  @Test
  void aValueNestedDeeperThanTheLimitIsAnErrorNotAStackOverflow() {
    int levels = 300;
    StringBuilder schema = new StringBuilder();
    StringBuilder value = new StringBuilder();
    for (int i = 0; i < levels; i++) {
      schema.append("{\"type\":\"object\",\"properties\":{\"a\":");
      value.append("{\"a\":");
    }
    schema.append("{\"type\":\"string\"}").append("}}".repeat(levels));
    value.append("\"deep\"").append("}".repeat(levels));

    List<String> found =
        SchemaValidator.compile(json(schema.toString())).validate(json(value.toString()));

    assertThat(found)
        .singleElement()
        .asString()
        .startsWith("$" + ".a".repeat(257) + ": ")
        .endsWith("the schema nests deeper than 256 levels here");
  }

  @Test
  void anAnswerWithManyErrorsShowsTheFirstFiveAndCountsTheRest() {
    ResponseSchema schema =
        ResponseSchema.explicit(
            "Seven",
            "{\"type\":\"object\",\"properties\":{"
                + "\"a\":{\"type\":\"string\"},\"b\":{\"type\":\"string\"},"
                + "\"c\":{\"type\":\"string\"},\"d\":{\"type\":\"string\"},"
                + "\"e\":{\"type\":\"string\"},\"f\":{\"type\":\"string\"},"
                + "\"g\":{\"type\":\"string\"}},"
                + "\"required\":[\"a\",\"b\",\"c\",\"d\",\"e\",\"f\",\"g\"],"
                + "\"additionalProperties\":false}");

    List<String> shown = schema.validate(json("{}"));

    assertThat(shown).hasSize(6);
    assertThat(shown.subList(0, 5)).allMatch(e -> e.contains("is missing"));
    assertThat(shown.get(5)).isEqualTo("and 2 more");
    assertThat(schema.validate(json("{'a':'','b':'','c':'','d':'','e':'','f':1,'g':2}")))
        .hasSize(2);
  }

  @Test
  void theSameExplicitSchemaUnderTheSameNameIsCompiledOnce() {
    String text =
        "{\"type\":\"object\",\"properties\":{\"x\":{\"type\":\"integer\"}},"
            + "\"required\":[\"x\"],\"additionalProperties\":false}";

    ResponseSchema first = ResponseSchema.explicit("OnceOnly", text);

    assertThat(ResponseSchema.explicit("OnceOnly", text)).isSameAs(first);
    assertThat(ResponseSchema.explicit("OtherName", text)).isNotSameAs(first);
  }
}
