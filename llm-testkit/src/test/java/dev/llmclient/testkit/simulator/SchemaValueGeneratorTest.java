package dev.llmclient.testkit.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SchemaValueGeneratorTest {

  private static final SchemaRegistry REGISTRY =
      SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

  /** Graphiti-like extraction schema: nested objects, arrays, enums, nullable values and $defs. */
  private static final String NESTED =
      """
      {"type":"object","additionalProperties":false,"required":["entities","summary","kind"],
       "properties":{
         "summary":{"type":["string","null"]},
         "kind":{"type":"string","enum":["PERSON","PLACE","THING"]},
         "entities":{"type":"array","minItems":2,"items":{"$ref":"#/$defs/Entity"}}
       },
       "$defs":{
         "Entity":{"type":"object","additionalProperties":false,
           "required":["name","score","tags","valid_at","parent"],
           "properties":{
             "name":{"type":"string","minLength":3},
             "score":{"type":"integer","minimum":1,"maximum":5},
             "tags":{"type":"array","items":{"type":"string"},"maxItems":2},
             "valid_at":{"anyOf":[{"type":"string","format":"date-time"},{"type":"null"}]},
             "parent":{"anyOf":[{"$ref":"#/$defs/Entity"},{"type":"null"}]}
           }}
       }}
      """;

  @ParameterizedTest
  @ValueSource(longs = {0, 1, 2, 3, 42, 1234, -7, 99999})
  void generatedValuesAreValidAgainstANestedSchemaForManySeeds(long seed) throws IOException {
    JsonNode schema = SimHttp.MAPPER.readTree(NESTED);
    Schema validator = REGISTRY.getSchema(schema);

    JsonNode value = SchemaValueGenerator.generate(schema, seed);

    assertThat(validator.validate(value)).as(value.toString()).isEmpty();
    assertThat(value.path("entities").size()).isGreaterThanOrEqualTo(2);
  }

  @Test
  void theSameSeedGivesTheSameValueAndSeedsVary() throws IOException {
    JsonNode schema = SimHttp.MAPPER.readTree(NESTED);
    Set<JsonNode> distinct = new HashSet<>();
    for (long seed = 0; seed < 10; seed++) {
      distinct.add(SchemaValueGenerator.generate(schema, seed));
    }

    assertThat(SchemaValueGenerator.generate(schema, 5))
        .isEqualTo(SchemaValueGenerator.generate(schema, 5));
    assertThat(distinct).hasSizeGreaterThan(5);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"type\":\"string\",\"const\":\"fixed\"}",
        "{\"type\":\"number\",\"exclusiveMinimum\":0,\"exclusiveMaximum\":1}",
        "{\"type\":\"boolean\"}",
        "{\"type\":\"array\",\"items\":{\"enum\":[1,2,3]},\"minItems\":3,\"uniqueItems\":true}",
        "{\"oneOf\":[{\"type\":\"integer\"},{\"type\":\"string\",\"format\":\"email\"}]}",
        "{\"type\":\"string\",\"format\":\"uuid\"}",
        "{\"type\":\"string\",\"maxLength\":4}",
        "{\"allOf\":[{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"integer\"}},\"required\":[\"a\"]},"
            + "{\"type\":\"object\",\"properties\":{\"b\":{\"type\":\"boolean\"}},\"required\":[\"b\"]}]}",
        "{\"type\":\"object\",\"properties\":{\"d\":{\"type\":\"string\",\"format\":\"date\"}},\"required\":[\"d\"]}"
      })
  void otherKeywordsProduceValidValues(String schemaText) throws IOException {
    JsonNode schema = SimHttp.MAPPER.readTree(schemaText);
    Schema validator = REGISTRY.getSchema(schema);
    for (long seed = 0; seed < 20; seed++) {
      JsonNode value = SchemaValueGenerator.generate(schema, seed);
      assertThat(validator.validate(value)).as(value.toString()).isEmpty();
    }
  }

  @Test
  void theSimulatorAnswersJsonSchemaRequestsWithValidContent() throws IOException {
    JsonNode schema = SimHttp.MAPPER.readTree(NESTED);
    Schema validator = REGISTRY.getSchema(schema);
    try (LlmSimulator sim = LlmSimulator.builder().start()) {
      String body =
          "{\"model\":\"m\",\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"Extraction\","
              + "\"strict\":true,\"schema\":"
              + NESTED
              + "}},\"messages\":[{\"role\":\"user\",\"content\":\"extract\"}]}";

      SimHttp.Response r = new SimHttp(sim).post("/v1/chat/completions", body);

      assertThat(r.status()).as(r.body()).isEqualTo(200);
      JsonNode content =
          SimHttp.MAPPER.readTree(
              r.json().path("choices").get(0).path("message").path("content").asText());
      assertThat(validator.validate(content)).isEmpty();
    }
  }
}
