package dev.llmclient.core.internal.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.JsonNode;
import dev.llmclient.core.internal.runtime.Json;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class ResponseSchemaTest {

  enum Kind {
    PERSON,
    @JsonProperty("org")
    ORGANISATION
  }

  enum Level {
    LOW("l"),
    HIGH("h");

    private final String code;

    Level(String code) {
      this.code = code;
    }

    @JsonValue
    String code() {
      return code;
    }
  }

  record Address(String city, @Nullable String zip) {}

  record Person(
      @JsonPropertyDescription("the full name") String zname,
      int age,
      Kind kind,
      Level level,
      Optional<String> nickname,
      @Nullable Address home,
      List<Address> others) {}

  record Tree(String name, List<Tree> children) {}

  public static final class Pojo {
    public String title = "";
    public double score;
  }

  private static JsonNode schemaOf(Class<?> type) throws Exception {
    return Json.MAPPER.readTree(ResponseSchema.forType(type).json);
  }

  @Test
  void recordsBecomeClosedFullyRequiredObjectsInComponentOrder() throws Exception {
    JsonNode s = schemaOf(Person.class);

    assertThat(s.get("type").asText()).isEqualTo("object");
    assertThat(s.get("additionalProperties").asBoolean(true)).isFalse();
    assertThat(s.get("properties").fieldNames())
        .toIterable()
        .containsExactly("zname", "age", "kind", "level", "nickname", "home", "others");
    assertThat(s.get("required").toString())
        .isEqualTo("[\"zname\",\"age\",\"kind\",\"level\",\"nickname\",\"home\",\"others\"]");
    JsonNode address = s.get("$defs").get("Address");
    assertThat(address.get("additionalProperties").asBoolean(true)).isFalse();
    assertThat(address.get("required").toString()).isEqualTo("[\"city\",\"zip\"]");
    assertThat(StrictSchemaCheck.problems(s)).isEmpty();
  }

  @Test
  void descriptionsAreKept() throws Exception {
    assertThat(schemaOf(Person.class).at("/properties/zname/description").asText())
        .isEqualTo("the full name");
  }

  @Test
  void enumValuesAreWhatJacksonWrites() throws Exception {
    JsonNode props = schemaOf(Person.class).get("properties");

    assertThat(props.get("kind").get("enum").toString()).isEqualTo("[\"PERSON\",\"org\"]");
    assertThat(props.get("level").get("enum").toString()).isEqualTo("[\"l\",\"h\"]");
  }

  @Test
  void optionalAndNullableBecomeNullable() throws Exception {
    JsonNode props = schemaOf(Person.class).get("properties");

    assertThat(props.get("nickname").get("type").toString()).isEqualTo("[\"string\",\"null\"]");
    assertThat(props.get("home").toString()).contains("\"null\"");
    assertThat(props.get("zname").get("type").asText()).isEqualTo("string");
    assertThat(schemaOf(Person.class).at("/$defs/Address/properties/zip/type").toString())
        .isEqualTo("[\"string\",\"null\"]");
  }

  @Test
  void recursiveTypesUseReferences() throws Exception {
    JsonNode s = schemaOf(Tree.class);

    assertThat(s.at("/properties/children/items/$ref").asText()).isEqualTo("#");
    assertThat(StrictSchemaCheck.problems(s)).isEmpty();
  }

  @Test
  void publicFieldPojosWork() throws Exception {
    JsonNode s = schemaOf(Pojo.class);

    assertThat(s.get("required").toString()).isEqualTo("[\"title\",\"score\"]");
    assertThat(s.at("/properties/score/type").asText()).isEqualTo("number");
  }

  @Test
  void theSchemaIsGeneratedOncePerType() {
    assertThat(ResponseSchema.forType(Person.class)).isSameAs(ResponseSchema.forType(Person.class));
  }

  @Test
  void answersAreValidatedAgainstTheSchema() throws Exception {
    ResponseSchema schema = ResponseSchema.forType(Address.class);

    assertThat(schema.validate(Json.MAPPER.readTree("{\"city\":\"Oslo\",\"zip\":null}"))).isEmpty();
    assertThat(schema.validate(Json.MAPPER.readTree("{\"city\":\"Oslo\"}")))
        .singleElement()
        .asString()
        .contains("zip");
    assertThat(schema.validate(Json.MAPPER.readTree("{\"city\":1,\"zip\":null,\"x\":2}")))
        .hasSize(2);
  }

  record WithMap(String id, Map<String, String> attributes) {}

  record WithListOfMaps(List<Map<String, Object>> rows) {}

  @Test
  void mapFieldsAreRejectedWithWhatToUseInstead() {
    assertThatThrownBy(() -> ResponseSchema.forType(WithMap.class))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Field 'attributes' of " + WithMap.class.getName())
        .hasMessageContaining("Use a list of key/value records instead");
    assertThatThrownBy(() -> ResponseSchema.forType(WithListOfMaps.class))
        .hasMessageContaining("Field 'rows'");
    assertThatThrownBy(() -> ResponseSchema.forType(java.util.HashMap.class))
        .hasMessageContaining("is a Map");
  }

  @Test
  void aNonObjectRootIsRejectedWithAHint() {
    assertThatThrownBy(() -> ResponseSchema.forType(Kind.class))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("wrap a list or enum in a record");
  }

  @Test
  void schemaNamesAreSanitised() {
    assertThat(ResponseSchema.nameOf(Person.class)).isEqualTo("Person");
    class Ünïcode {}
    assertThat(ResponseSchema.nameOf(Ünïcode.class)).isEqualTo("_n_code");
    assertThat(ResponseSchema.nameOf(new Object() {}.getClass())).isEqualTo("response");
  }

  // ---- strict subset check -------------------------------------------------------------------

  private static List<String> problems(String json) throws Exception {
    return StrictSchemaCheck.problems(Json.MAPPER.readTree(json));
  }

  @Test
  void openObjectsAndOptionalPropertiesAreFound() throws Exception {
    assertThat(problems("{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\"}}}"))
        .containsExactly(
            "$ must set \"additionalProperties\": false",
            "$ must list 'a' in \"required\" (make it nullable instead of optional)");
  }

  @Test
  void unsupportedKeywordsAreNamedWithTheirPath() throws Exception {
    assertThat(
            problems(
                "{\"type\":\"object\",\"additionalProperties\":false,\"required\":[\"a\"],"
                    + "\"properties\":{\"a\":{\"type\":\"string\",\"minLength\":2}},"
                    + "\"allOf\":[]}"))
        .containsExactlyInAnyOrder(
            "$ uses 'allOf', which strict mode does not support",
            "$.properties.a uses 'minLength', which strict mode does not support");
  }

  @Test
  void nestingDeeperThanTenObjectsIsFound() throws Exception {
    String leaf = "{\"type\":\"string\"}";
    String node = leaf;
    for (int i = 0; i < 12; i++) {
      node =
          "{\"type\":\"object\",\"additionalProperties\":false,\"required\":[\"x\"],"
              + "\"properties\":{\"x\":"
              + node
              + "}}";
    }
    assertThat(problems(node)).anyMatch(p -> p.contains("deep; at most 10"));
  }

  @Test
  void tooManyEnumValuesAreFound() throws Exception {
    StringBuilder values = new StringBuilder();
    for (int i = 0; i < 1001; i++) {
      values.append(i == 0 ? "" : ",").append('"').append("v").append(i).append('"');
    }
    String json =
        "{\"type\":\"object\",\"additionalProperties\":false,\"required\":[\"e\"],"
            + "\"properties\":{\"e\":{\"type\":\"string\",\"enum\":["
            + values
            + "]}}}";
    assertThat(problems(json)).anyMatch(p -> p.contains("1001 enum values; at most 1000"));
  }

  @Test
  void explicitSchemasWithABadPatternOrDanglingReferenceNameTheSchemaAndPlace() {
    assertThatThrownBy(
            () ->
                ResponseSchema.explicit(
                    "bad",
                    "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\","
                        + "\"pattern\":\"(\"}},\"required\":[\"a\"],"
                        + "\"additionalProperties\":false}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("jsonSchema 'bad': $.properties.a.pattern '(' is not a valid");
    assertThatThrownBy(
            () ->
                ResponseSchema.explicit(
                    "dangling",
                    "{\"type\":\"object\",\"properties\":{\"a\":{\"$ref\":\"#/$defs/X\"}},"
                        + "\"required\":[\"a\"],\"additionalProperties\":false}"))
        .hasMessageStartingWith("jsonSchema 'dangling': $.properties.a.$ref '#/$defs/X'");
  }

  @Test
  void explicitSchemasAreCheckedTheSameWay() {
    assertThatThrownBy(() -> ResponseSchema.explicit("Bad", "{\"type\":\"object\"}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("jsonSchema 'Bad' cannot be used with strict structured outputs")
        .hasMessageContaining("additionalProperties");
    assertThatThrownBy(() -> ResponseSchema.explicit("Broken", "{nope"))
        .hasMessageContaining("jsonSchema 'Broken' is not valid JSON");
  }

  @Test
  void theExampleExtractionSchemaIsStrictReady() throws Exception {
    java.nio.file.Path example =
        java.nio.file.Path.of("..", "examples", "data", "extraction.schema.json");
    org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.exists(example));
    String json = java.nio.file.Files.readString(example);

    assertThat(ResponseSchema.explicit("Extraction", json).json).isNotEmpty();
  }
}
