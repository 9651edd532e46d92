package dev.llmclient.core.internal.schema;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmclient.core.internal.runtime.Json;
import org.junit.jupiter.api.Test;

/**
 * The strict-mode rules an explicit schema can break beyond the common ones: not an object at all,
 * a property that is not a schema, an object that says so only in a type list, and the service's
 * size limits on properties and on the characters of names and values.
 */
class StrictSchemaLimitsTest {

  static final JsonNodeFactory F = JsonNodeFactory.instance;

  static ObjectNode strictObject() {
    ObjectNode o = F.objectNode().put("type", "object");
    o.putObject("properties");
    o.putArray("required");
    o.put("additionalProperties", false);
    return o;
  }

  static void add(ObjectNode object, String name, com.fasterxml.jackson.databind.JsonNode schema) {
    ((ObjectNode) object.get("properties")).set(name, schema);
    ((ArrayNode) object.get("required")).add(name);
  }

  @Test
  void aSchemaThatIsNotAnObjectIsRefusedWithThatAlone() throws Exception {
    assertThat(StrictSchemaCheck.problems(Json.MAPPER.readTree("[{\"type\":\"object\"}]")))
        .containsExactly("the schema must be a JSON object");
  }

  @Test
  void aPropertyMustBeASchemaObjectOrABoolean() {
    ObjectNode schema = strictObject();
    add(schema, "n", F.numberNode(5));
    add(schema, "anything", F.booleanNode(true));

    assertThat(StrictSchemaCheck.problems(schema))
        .containsExactly("$.properties.n is not a schema object");
  }

  @Test
  void anObjectNamedOnlyInATypeListMustStillBeClosed() {
    ObjectNode schema = strictObject();
    ObjectNode nullableObject = F.objectNode();
    nullableObject.putArray("type").add("null").add("object");
    add(schema, "maybe", nullableObject);

    assertThat(StrictSchemaCheck.problems(schema))
        .containsExactly("$.properties.maybe must set \"additionalProperties\": false");

    nullableObject.put("additionalProperties", false);
    assertThat(StrictSchemaCheck.problems(schema)).isEmpty();
  }

  @Test
  void moreThan5000PropertiesAreRefusedWithTheCount() {
    ObjectNode schema = strictObject();
    for (int i = 0; i < StrictSchemaCheck.MAX_PROPERTIES + 1; i++) {
      add(schema, "p" + i, F.objectNode().put("type", "integer"));
    }

    assertThat(StrictSchemaCheck.problems(schema))
        .containsExactly("the schema has 5001 properties; at most 5000");
  }

  @Test
  void namesAndConstantsTogetherMayNotPassTheCharacterLimit() {
    ObjectNode schema = strictObject();
    String longConstant = "c".repeat(StrictSchemaCheck.MAX_STRING_LENGTH);
    add(schema, "v", F.objectNode().put("const", longConstant));

    assertThat(StrictSchemaCheck.problems(schema))
        .containsExactly("property names and enum values total 120001 characters; at most 120000");

    ObjectNode fits = strictObject();
    add(fits, "v", F.objectNode().put("const", longConstant.substring(1)));
    assertThat(StrictSchemaCheck.problems(fits)).isEmpty();
  }
}
