package dev.llmclient.core.internal.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import dev.llmclient.core.internal.runtime.Json;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.Year;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class TypeSchemasTest {

  enum Colour {
    RED,
    GREEN
  }

  @JsonClassDescription("a thing with every kind of property")
  record Everything(
      String text,
      char letter,
      UUID id,
      long count,
      short small,
      OptionalInt maybeCount,
      BigDecimal price,
      float ratio,
      boolean flag,
      Boolean boxed,
      Colour colour,
      @Nullable Colour maybeColour,
      List<Colour> colours,
      Set<String> tags,
      String[] names,
      int[][] grid,
      byte[] blob,
      @Nullable List<String> maybeList,
      Optional<Inner> maybeInner,
      Inner inner,
      @JsonProperty("renamed") String original,
      @JsonPropertyDescription("described") int described) {}

  record Inner(String value) {}

  @JsonPropertyOrder({"b", "a"})
  public static final class Bean {
    private String a = "";
    private int b;
    @JsonIgnore public String ignored = "";

    public String getA() {
      return a;
    }

    public void setA(String a) {
      this.a = a;
    }

    public int getB() {
      return b;
    }

    public void setB(int b) {
      this.b = b;
    }

    public String getComputed() {
      return a + b;
    }
  }

  record Single(Optional<Inner> only) {}

  record Root(A a) {}

  record A(String name, @Nullable B b) {}

  record B(List<A> as) {}

  static final class Outer {
    record Value(String v) {}
  }

  static final class Other {
    record Value(int n) {}
  }

  record SameNames(Outer.Value first, Outer.Value second, Other.Value third, Other.Value fourth) {}

  record Event(
      @JsonPropertyDescription("when it began") Instant start,
      LocalDate day,
      @Nullable OffsetDateTime reported,
      Duration length,
      Year year,
      List<LocalTime> times) {}

  record WithZone(ZoneId zone) {}

  record Untyped(Object anything) {}

  record Generic<T>(T value) {}

  interface Shape {}

  record HoldsShape(Shape shape) {}

  private static JsonNode schemaOf(Class<?> type) {
    return TypeSchemas.generate(type);
  }

  @Test
  void everyScalarCollectionAndNestedKindMapsToItsStrictSchema() {
    JsonNode s = schemaOf(Everything.class);
    JsonNode p = s.get("properties");

    assertThat(s.get("description").asText()).isEqualTo("a thing with every kind of property");
    assertThat(p.get("text").toString()).isEqualTo("{\"type\":\"string\"}");
    assertThat(p.get("letter").toString()).isEqualTo("{\"type\":\"string\"}");
    assertThat(p.get("id").toString()).isEqualTo("{\"type\":\"string\"}");
    assertThat(p.get("count").toString()).isEqualTo("{\"type\":\"integer\"}");
    assertThat(p.get("small").toString()).isEqualTo("{\"type\":\"integer\"}");
    assertThat(p.get("maybeCount").toString()).isEqualTo("{\"type\":[\"integer\",\"null\"]}");
    assertThat(p.get("price").toString()).isEqualTo("{\"type\":\"number\"}");
    assertThat(p.get("ratio").toString()).isEqualTo("{\"type\":\"number\"}");
    assertThat(p.get("flag").toString()).isEqualTo("{\"type\":\"boolean\"}");
    assertThat(p.get("boxed").toString()).isEqualTo("{\"type\":\"boolean\"}");
    assertThat(p.get("colour").toString())
        .isEqualTo("{\"enum\":[\"RED\",\"GREEN\"],\"type\":\"string\"}");
    assertThat(p.get("maybeColour").toString())
        .isEqualTo("{\"enum\":[\"RED\",\"GREEN\",null],\"type\":[\"string\",\"null\"]}");
    assertThat(p.at("/colours/items/enum").toString()).isEqualTo("[\"RED\",\"GREEN\"]");
    assertThat(p.get("tags").toString())
        .isEqualTo("{\"type\":\"array\",\"items\":{\"type\":\"string\"}}");
    assertThat(p.get("names").toString())
        .isEqualTo("{\"type\":\"array\",\"items\":{\"type\":\"string\"}}");
    assertThat(p.at("/grid/items/items/type").asText()).isEqualTo("integer");
    assertThat(p.get("blob").toString()).isEqualTo("{\"type\":\"string\"}");
    assertThat(p.get("maybeList").get("type").toString()).isEqualTo("[\"array\",\"null\"]");
    assertThat(p.get("maybeInner").toString())
        .isEqualTo("{\"anyOf\":[{\"type\":\"null\"},{\"$ref\":\"#/$defs/Inner\"}]}");
    assertThat(p.get("inner").toString()).isEqualTo("{\"$ref\":\"#/$defs/Inner\"}");
    assertThat(s.at("/$defs/Inner/properties/value/type").asText()).isEqualTo("string");
    assertThat(schemaOf(Single.class).at("/properties/only/type").toString())
        .as("a type used once is inlined")
        .isEqualTo("[\"object\",\"null\"]");
    assertThat(p.has("renamed")).isTrue();
    assertThat(p.has("original")).isFalse();
    assertThat(p.get("described").toString())
        .isEqualTo("{\"type\":\"integer\",\"description\":\"described\"}");
    assertThat(StrictSchemaCheck.problems(s)).isEmpty();
  }

  @Test
  void javaTimeValuesAreStringsDescribedByTheirIsoFormAndAreReadBack() throws Exception {
    TypeSchemas.Generated generated = TypeSchemas.generateWithDetails(Event.class);
    JsonNode p = generated.schema().get("properties");

    assertThat(generated.needsModules()).isTrue();
    assertThat(TypeSchemas.generateWithDetails(Inner.class).needsModules()).isFalse();
    assertThat(p.get("start").toString())
        .isEqualTo(
            "{\"type\":\"string\",\"description\":\"when it began (ISO-8601 instant in UTC,"
                + " e.g. 2024-05-01T10:15:30Z)\"}");
    assertThat(p.at("/day/description").asText()).isEqualTo("ISO-8601 date, e.g. 2024-05-01");
    assertThat(p.at("/reported/type").toString()).isEqualTo("[\"string\",\"null\"]");
    assertThat(p.at("/length/description").asText()).startsWith("ISO-8601 duration");
    assertThat(p.at("/year/type").asText()).isEqualTo("string");
    assertThat(p.at("/times/items/type").asText()).isEqualTo("string");
    assertThat(StrictSchemaCheck.problems(generated.schema())).isEmpty();

    ResponseSchema schema = ResponseSchema.forType(Event.class);
    String answer =
        "{\"start\":\"2024-05-01T10:15:30Z\",\"day\":\"2024-05-01\",\"reported\":null,"
            + "\"length\":\"PT1H30M\",\"year\":\"2024\",\"times\":[\"10:15:30\"]}";
    assertThat(schema.validate(Json.MAPPER.readTree(answer))).isEmpty();
    Event read = java.util.Objects.requireNonNull(schema.reader).readValue(answer);
    assertThat(read.start()).isEqualTo(Instant.parse("2024-05-01T10:15:30Z"));
    assertThat(read.day()).isEqualTo(LocalDate.of(2024, 5, 1));
    assertThat(read.length()).isEqualTo(Duration.ofMinutes(90));
    assertThat(read.year()).isEqualTo(Year.of(2024));
  }

  @Test
  void optionalValuesAreReadThroughTheMapperWithModules() throws Exception {
    ResponseSchema schema = ResponseSchema.forType(Single.class);
    com.fasterxml.jackson.databind.ObjectReader reader =
        java.util.Objects.requireNonNull(schema.reader);

    assertThat(TypeSchemas.generateWithDetails(Single.class).needsModules()).isTrue();
    assertThat(TypeSchemas.generateWithDetails(Bean.class).needsModules()).isFalse();
    assertThat(reader.<Single>readValue("{\"only\":null}").only()).isEmpty();
    assertThat(reader.<Single>readValue("{\"only\":{\"value\":\"x\"}}").only())
        .contains(new Inner("x"));
  }

  @Test
  void otherJavaTimeTypesAreRejectedWithWhatToUse() {
    assertThatThrownBy(() -> schemaOf(WithZone.class))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Field 'zone'")
        .hasMessageContaining("Use a concrete record, String");
  }

  @Test
  void beansHaveTheirBindablePropertiesInJacksonsOrder() {
    JsonNode s = schemaOf(Bean.class);

    assertThat(s.get("required").toString()).isEqualTo("[\"b\",\"a\"]");
    assertThat(s.get("properties").has("computed")).as("read-only: cannot be bound").isFalse();
    assertThat(s.get("properties").has("ignored")).isFalse();
  }

  @Test
  void mutuallyRecursiveTypesGoToDefinitions() {
    JsonNode root = schemaOf(A.class);
    assertThat(root.at("/properties/b/type").toString()).isEqualTo("[\"object\",\"null\"]");
    assertThat(root.at("/properties/b/properties/as/items/$ref").asText()).isEqualTo("#");
    assertThat(StrictSchemaCheck.problems(root)).isEmpty();

    JsonNode below = schemaOf(Root.class);
    assertThat(below.at("/properties/a/$ref").asText()).isEqualTo("#/$defs/A");
    assertThat(below.at("/$defs/A/properties/b/properties/as/items/$ref").asText())
        .isEqualTo("#/$defs/A");
    assertThat(StrictSchemaCheck.problems(below)).isEmpty();
  }

  @Test
  void differentTypesWithTheSameSimpleNameGetDistinctDefinitions() {
    JsonNode s = schemaOf(SameNames.class);

    assertThat(s.get("$defs").fieldNames()).toIterable().containsExactly("Value", "Value-2");
    assertThat(s.at("/properties/first/$ref").asText())
        .isNotEqualTo(s.at("/properties/third/$ref").asText());
    assertThat(s.at("/properties/second/$ref").asText())
        .isEqualTo(s.at("/properties/first/$ref").asText());
  }

  @Test
  void untypedGenericAndAbstractPropertiesAreRejectedWithWhatToUse() {
    assertThatThrownBy(() -> schemaOf(Untyped.class))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Field 'anything' of " + Untyped.class.getName())
        .hasMessageContaining("Use a concrete record");
    assertThatThrownBy(() -> schemaOf(Generic.class))
        .hasMessageContaining("Field 'value'")
        .hasMessageContaining("give generic type parameters concrete types");
    assertThatThrownBy(() -> schemaOf(HoldsShape.class))
        .hasMessageContaining("abstract type " + Shape.class.getName());
  }

  @Test
  void whatJacksonWritesForAnInstanceIsValidAgainstTheSchemaOfItsType() {
    Everything value =
        new Everything(
            "t",
            'c',
            new UUID(1, 2),
            3,
            (short) 4,
            OptionalInt.empty(),
            new BigDecimal("1.25"),
            0.5f,
            true,
            Boolean.FALSE,
            Colour.GREEN,
            null,
            List.of(Colour.RED),
            Set.of("x"),
            new String[] {"n"},
            new int[][] {{1, 2}, {}},
            new byte[] {1, 2, 3},
            null,
            Optional.of(new Inner("i")),
            new Inner("j"),
            "o",
            7);
    ObjectNodeCheck.validAgainst(Everything.class, value);
    ObjectNodeCheck.validAgainst(A.class, new A("a", new B(List.of(new A("b", null)))));
    ObjectNodeCheck.validAgainst(Root.class, new Root(new A("a", new B(List.of()))));
    ObjectNodeCheck.validAgainst(
        Event.class,
        new Event(
            Instant.EPOCH,
            LocalDate.of(2024, 2, 29),
            null,
            Duration.ofSeconds(90),
            Year.of(1815),
            List.of(LocalTime.NOON)));
  }

  /** Validates with the pipeline's validator and round-trips through Jackson's reader. */
  private static final class ObjectNodeCheck {
    static void validAgainst(Class<?> type, Object value) {
      JsonNode written;
      try {
        written = Json.MAPPER.readTree(Json.withModules().writeValueAsString(value));
      } catch (Exception e) {
        throw new AssertionError(e);
      }
      ResponseSchema schema = ResponseSchema.forType(type);
      assertThat(schema.validate(written)).isEmpty();
      assertThat(Json.withModules().convertValue(written, type)).isNotNull();
    }
  }
}
