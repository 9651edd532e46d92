package dev.llmclient.core.internal.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.llmclient.core.internal.runtime.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SchemaValidatorTest {

  private static final SchemaRegistry REFERENCE =
      SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

  private static JsonNode json(String text) {
    try {
      return Json.MAPPER.readTree(text.replace('\'', '"'));
    } catch (Exception e) {
      throw new IllegalArgumentException(text, e);
    }
  }

  private static List<String> errors(String schema, String instance) {
    return SchemaValidator.compile(json(schema)).validate(json(instance));
  }

  private static final String ADDRESS =
      "{'type':'object','properties':{'city':{'type':'string'},'zip':{'type':['string','null'],"
          + "'pattern':'^[0-9]{4,5}$'}},'required':['city','zip'],'additionalProperties':false}";

  private static final String PERSON =
      "{'$defs':{'Address':"
          + ADDRESS
          + "},'type':'object','properties':{"
          + "'name':{'type':'string','description':'the full name'},"
          + "'age':{'type':'integer','minimum':0,'exclusiveMaximum':150},"
          + "'score':{'type':'number','multipleOf':0.5},"
          + "'kind':{'enum':['PERSON','org'],'type':'string'},"
          + "'level':{'type':['string','null'],'enum':['l','h',null]},"
          + "'home':{'anyOf':[{'type':'null'},{'$ref':'#/$defs/Address'}]},"
          + "'others':{'type':'array','items':{'$ref':'#/$defs/Address'},'minItems':0,'maxItems':3},"
          + "'tags':{'type':'array','items':{'type':'string'},'minItems':1},"
          + "'version':{'const':2},"
          + "'format':{'type':'string','format':'date'},"
          + "'children':{'type':'array','items':{'$ref':'#'}}"
          + "},'required':['name','age','score','kind','level','home','others','tags','version',"
          + "'format','children'],'additionalProperties':false}";

  private static final String VALID_PERSON =
      "{'name':'Ada','age':36,'score':1.5,'kind':'org','level':null,'home':{'city':'Oslo',"
          + "'zip':'0150'},'others':[{'city':'Bergen','zip':null}],'tags':['x'],'version':2.0,"
          + "'format':'not a date','children':[{'name':'B','age':1,'score':0,'kind':'PERSON',"
          + "'level':'h','home':null,'others':[],'tags':['y'],'version':2,'format':'',"
          + "'children':[]}]}";

  @Test
  void aValidInstanceHasNoErrors() {
    assertThat(errors(PERSON, VALID_PERSON)).isEmpty();
  }

  @Test
  void errorsNameThePathAndWhatWasExpected() {
    assertThat(errors(ADDRESS, "{'city':1,'zip':null}"))
        .containsExactly("$.city: integer found, string expected");
    assertThat(errors(ADDRESS, "{'city':'Oslo'}"))
        .containsExactly("$: required property 'zip' is missing");
    assertThat(errors(ADDRESS, "{'city':'Oslo','zip':null,'x':1}"))
        .containsExactly("$: property 'x' is not defined in the schema");
    assertThat(errors(ADDRESS, "{'city':'Oslo','zip':'12'}"))
        .containsExactly("$.zip: \"12\" does not match the pattern \"^[0-9]{4,5}$\"");
    assertThat(errors(PERSON, VALID_PERSON.replace("'kind':'org'", "'kind':'company'")))
        .containsExactly("$.kind: \"company\" is not one of [\"PERSON\",\"org\"]");
    assertThat(errors(PERSON, VALID_PERSON.replace("'age':36", "'age':150")))
        .containsExactly("$.age: 150 must be less than 150");
    assertThat(errors(PERSON, VALID_PERSON.replace("'age':36", "'age':36.5")))
        .containsExactly("$.age: number found, integer expected");
    assertThat(errors(PERSON, VALID_PERSON.replace("'tags':['x']", "'tags':[]")))
        .containsExactly("$.tags: has 0 items, at least 1 needed");
    assertThat(errors(PERSON, VALID_PERSON.replace("'version':2.0", "'version':3")))
        .containsExactly("$.version: must be the constant 2");
    assertThat(errors(PERSON, VALID_PERSON.replace("'city':'Bergen'", "'city':false")))
        .containsExactly("$.others[0].city: boolean found, string expected");
    assertThat(errors(PERSON, VALID_PERSON.replace("'zip':'0150'", "'zip':5")))
        .singleElement()
        .asString()
        .startsWith("$.home: matches none of the 2 allowed schemas (anyOf)")
        .contains("$.home.zip: integer found, string or null expected");
  }

  @Test
  void oddPropertyNamesAreQuotedInPaths() {
    String schema =
        "{'type':'object','properties':{'a b':{'type':'string'}},'required':['a b'],"
            + "'additionalProperties':false}";
    assertThat(errors(schema, "{'a b':1}"))
        .containsExactly("$['a b']: integer found, string expected");
  }

  @Test
  void wholeNumbersWrittenWithAFractionAreIntegers() {
    assertThat(errors("{'type':'integer'}", "3.0")).isEmpty();
    assertThat(errors("{'type':'integer'}", "3.1")).hasSize(1);
    assertThat(errors("{'enum':[1,2]}", "2.0")).isEmpty();
  }

  @Test
  void badPatternsAndDanglingReferencesFailAtCompileTime() {
    assertThatThrownBy(() -> SchemaValidator.compile(json("{'type':'string','pattern':'(['}")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("$.pattern '([' is not a valid regular expression");
    assertThatThrownBy(
            () ->
                SchemaValidator.compile(
                    json("{'type':'object','properties':{'a':{'$ref':'#/$defs/Nope'}}}")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("$.properties.a.$ref '#/$defs/Nope' does not resolve");
  }

  @Test
  void aReferenceCycleThatConsumesNothingEndsWithAnError() {
    assertThat(errors("{'$defs':{'a':{'$ref':'#/$defs/a'}},'$ref':'#/$defs/a'}", "1"))
        .singleElement()
        .asString()
        .contains("refers back to itself here without consuming the value");
  }

  @Test
  void numbersBeyondADoubleAreErrorsNotExceptions() {
    assertThat(errors("{'type':'object','properties':{'n':{'type':'number'}}}", "{'n':1e400}"))
        .containsExactly("$.n: Infinity is not a finite number");
    assertThat(errors("{'type':'integer','minimum':0}", "-1e400"))
        .containsExactly("$: -Infinity is not a finite number");
    assertThat(errors("{'enum':[1e400,2]}", "2")).isEmpty();
    assertThat(errors("{'type':'number','maximum':1e400,'multipleOf':1e400}", "5")).isEmpty();
  }

  @Test
  void anAnyOfWhoseBranchesReferBackToTheSameSchemaEndsAtOnce() {
    String selfReferring =
        "{'type':'object','properties':{},'required':[],'additionalProperties':false,"
            + "'anyOf':[{'$ref':'#'},{'$ref':'#'}]}";

    assertThat(errors(selfReferring, "{}"))
        .singleElement()
        .asString()
        .contains("refers back to itself here without consuming the value");
  }

  @Test
  void aSchemaThatWouldTakeExponentialWorkStopsAtTheStepBudget() {
    StringBuilder defs = new StringBuilder("{'$defs':{'d0':{'type':'string'}");
    for (int i = 1; i <= 40; i++) {
      defs.append(",'d")
          .append(i)
          .append("':{'anyOf':[{'$ref':'#/$defs/d")
          .append(i - 1)
          .append("','maxItems':0},{'$ref':'#/$defs/d")
          .append(i - 1)
          .append("'}]}");
    }
    String schema = defs.append("},'$ref':'#/$defs/d40'}").toString();

    long start = System.nanoTime();
    List<String> found = errors(schema, "1");
    long millis = (System.nanoTime() - start) / 1_000_000;

    assertThat(found).anyMatch(e -> e.contains("too complex to validate within 1000000 steps"));
    assertThat(millis).as("bounded, not 2^40 steps").isLessThan(10_000);
  }

  // --- Differential: every verdict equals networknt's on the same schema and instance. ---

  @Test
  void everyVerdictMatchesAGeneralPurposeValidatorOnMutatedInstances() {
    Random random = new Random(42);
    List<String> disagreements = new ArrayList<>();
    int invalid = 0;
    for (String[] pair : List.of(new String[] {PERSON, VALID_PERSON}, corpusPair())) {
      JsonNode schema = json(pair[0]);
      JsonNode valid = json(pair[1]);
      SchemaValidator ours = SchemaValidator.compile(schema);
      com.networknt.schema.Schema theirs = REFERENCE.getSchema(schema);
      for (int i = 0; i < 1500; i++) {
        JsonNode instance = i == 0 ? valid : mutate(valid, random);
        boolean oursValid = ours.validate(instance).isEmpty();
        boolean theirsValid = theirs.validate(instance).isEmpty();
        if (!theirsValid) {
          invalid++;
        }
        if (oursValid != theirsValid) {
          disagreements.add(
              instance
                  + " ours="
                  + ours.validate(instance)
                  + " theirs="
                  + theirs.validate(instance));
        }
      }
    }
    assertThat(disagreements).isEmpty();
    assertThat(invalid).as("the mutations must produce invalid instances").isGreaterThan(1000);
  }

  private static String[] corpusPair() {
    String schema =
        "{'type':'object','properties':{"
            + "'n':{'type':'number','minimum':-1.5,'maximum':10},"
            + "'i':{'type':['integer','null'],'exclusiveMinimum':0},"
            + "'b':{'type':'boolean'},"
            + "'e':{'enum':[1,'one',true,null]},"
            + "'o':{'type':'object','properties':{'x':{'type':'string'}},'required':['x'],"
            + "'additionalProperties':{'type':'integer'}},"
            + "'a':{'type':'array','items':{'anyOf':[{'type':'string'},{'type':'integer'}]},"
            + "'maxItems':2},"
            + "'t':{'type':'object','properties':{},'required':[],'additionalProperties':false}"
            + "},'required':['n','i','b','e','o','a','t'],'additionalProperties':false}";
    String valid = "{'n':2.5,'i':3,'b':true,'e':'one','o':{'x':'y','z':4},'a':['s',1],'t':{}}";
    return new String[] {schema, valid};
  }

  /** A copy with one to three random changes anywhere in the tree. */
  private static JsonNode mutate(JsonNode valid, Random random) {
    JsonNode copy = valid.deepCopy();
    int changes = 1 + random.nextInt(3);
    for (int c = 0; c < changes; c++) {
      List<JsonNode> containers = new ArrayList<>();
      collect(copy, containers);
      JsonNode container = containers.get(random.nextInt(containers.size()));
      if (container instanceof ObjectNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        int op = random.nextInt(4);
        if (op == 0 || names.isEmpty()) {
          object.set("extra" + random.nextInt(3), randomValue(random));
        } else if (op == 1) {
          object.remove(names.get(random.nextInt(names.size())));
        } else {
          object.set(names.get(random.nextInt(names.size())), randomValue(random));
        }
      } else if (container instanceof ArrayNode array) {
        if (array.isEmpty() || random.nextBoolean()) {
          array.add(randomValue(random));
        } else {
          array.set(random.nextInt(array.size()), randomValue(random));
        }
      }
    }
    return copy;
  }

  private static void collect(JsonNode node, List<JsonNode> containers) {
    if (node.isContainerNode()) {
      containers.add(node);
      node.forEach(child -> collect(child, containers));
    }
  }

  private static JsonNode randomValue(Random random) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    return switch (random.nextInt(14)) {
      case 0 -> f.nullNode();
      case 1 -> f.booleanNode(random.nextBoolean());
      case 2 -> f.numberNode(random.nextInt(200) - 20);
      case 3 -> f.numberNode(random.nextInt(40) / 4.0 - 2);
      case 4 -> f.textNode("0150");
      case 5 -> f.textNode("12");
      case 6 -> f.textNode(List.of("PERSON", "org", "one", "l", "h", "x").get(random.nextInt(6)));
      case 7 -> f.arrayNode();
      case 8 -> f.arrayNode().add("s").add(1).add(2);
      case 9 -> f.objectNode();
      case 10 -> f.objectNode().put("city", "Oslo").putNull("zip");
      case 11 -> f.objectNode().put("x", "y");
      case 12 -> f.numberNode(2);
      default -> f.objectNode().put("city", "A").put("zip", "99999");
    };
  }
}
