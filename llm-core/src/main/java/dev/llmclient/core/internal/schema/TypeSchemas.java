package dev.llmclient.core.internal.schema;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.introspect.AnnotatedField;
import com.fasterxml.jackson.databind.introspect.AnnotatedMember;
import com.fasterxml.jackson.databind.introspect.AnnotatedMethod;
import com.fasterxml.jackson.databind.introspect.AnnotatedParameter;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmclient.core.internal.runtime.Json;
import java.lang.annotation.Annotation;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.Period;
import java.time.Year;
import java.time.YearMonth;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Generates the strict JSON schema of a Java type from the same bean introspection the shared
 * {@link Json#MAPPER} uses to read the answer, so the schema names, orders and describes exactly
 * the properties Jackson will bind.
 *
 * <p>Every object is closed ({@code additionalProperties: false}) and lists every property as
 * required; {@link Optional} and any annotation named {@code Nullable} make a property nullable
 * instead. Types used more than once, and recursive types, go to {@code $defs} and are referenced
 * ({@code "#"} for the root). Enums list the values Jackson writes. Maps, untyped values and
 * abstract types are rejected with what to use instead, because strict structured outputs need
 * every property named in advance.
 *
 * <p>Written for this pipeline instead of using a general-purpose generator: it needs only the
 * strict subset, and a general generator costs about 170 ms of class loading on a cold start.
 */
final class TypeSchemas {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /**
   * The {@code java.time} types a response may hold, with the text form Jackson's time module
   * reads, told to the model as a description (every strict-mode service accepts descriptions; not
   * all accept {@code format}). In a holder, so types without them load no time classes.
   */
  private static final class TimeHints {
    static final Map<Class<?>, String> BY_TYPE =
        Map.ofEntries(
            Map.entry(Instant.class, "ISO-8601 instant in UTC, e.g. 2024-05-01T10:15:30Z"),
            Map.entry(
                OffsetDateTime.class,
                "ISO-8601 date-time with offset, e.g. 2024-05-01T10:15:30+02:00"),
            Map.entry(
                ZonedDateTime.class,
                "ISO-8601 date-time with offset, e.g. 2024-05-01T10:15:30+02:00"),
            Map.entry(LocalDateTime.class, "ISO-8601 local date-time, e.g. 2024-05-01T10:15:30"),
            Map.entry(LocalDate.class, "ISO-8601 date, e.g. 2024-05-01"),
            Map.entry(LocalTime.class, "ISO-8601 local time, e.g. 10:15:30"),
            Map.entry(OffsetTime.class, "ISO-8601 time with offset, e.g. 10:15:30+02:00"),
            Map.entry(YearMonth.class, "ISO-8601 year and month, e.g. 2024-05"),
            Map.entry(Year.class, "year, e.g. 2024"),
            Map.entry(Duration.class, "ISO-8601 duration, e.g. PT1H30M"),
            Map.entry(Period.class, "ISO-8601 period, e.g. P1Y2M10D"));

    private TimeHints() {}
  }

  private final JavaType root;
  private final Map<JavaType, Integer> uses = new LinkedHashMap<>();
  private final Map<JavaType, String> defNames = new LinkedHashMap<>();
  private final Map<String, ObjectNode> defs = new LinkedHashMap<>();
  private final Map<JavaType, BeanDescription> descriptions = new HashMap<>();
  private boolean needsModules;

  private TypeSchemas(JavaType root) {
    this.root = root;
  }

  /**
   * A generated schema, and whether the type has {@code Optional} or {@code java.time} values
   * (which need {@link Json#withModules()} to be read).
   */
  record Generated(ObjectNode schema, boolean needsModules) {}

  /**
   * The schema of a type.
   *
   * @throws IllegalArgumentException when the type cannot be expressed in strict mode, saying what
   *     to change
   */
  static ObjectNode generate(Class<?> type) {
    return generateWithDetails(type).schema();
  }

  /**
   * The schema of a type, and whether reading it needs the Optional and java.time modules.
   *
   * @throws IllegalArgumentException when the type cannot be expressed in strict mode, saying what
   *     to change
   */
  static Generated generateWithDetails(Class<?> type) {
    JavaType javaType = Json.MAPPER.constructType(type);
    TypeSchemas generator = new TypeSchemas(javaType);
    generator.countUses(javaType, type.getName(), new HashSet<>());
    generator.nameDefinitions();
    ObjectNode schema =
        kindOf(javaType, type.getName()) == Kind.BEAN
            ? generator.beanSchema(javaType)
            : (ObjectNode) generator.schemaOf(javaType, false, type.getName());
    if (!generator.defs.isEmpty()) {
      ObjectNode withDefs = NODES.objectNode();
      ObjectNode defsNode = withDefs.putObject("$defs");
      generator.defs.forEach(defsNode::set);
      withDefs.setAll(schema);
      return new Generated(withDefs, generator.needsModules);
    }
    return new Generated(schema, generator.needsModules);
  }

  /** Counts how often each bean type is referenced, descending into each type once. */
  private void countUses(JavaType type, String where, Set<JavaType> visited) {
    JavaType target = unwrap(type);
    Kind kind = kindOf(target, where);
    switch (kind) {
      case ARRAY -> countUses(target.getContentType(), where, visited);
      case BEAN -> {
        uses.merge(target, 1, Integer::sum);
        if (visited.add(target)) {
          for (BeanPropertyDefinition property : properties(describe(target))) {
            countUses(property.getPrimaryType(), fieldContext(property, target), visited);
          }
        }
      }
      default -> {}
    }
  }

  /** Gives every bean type referenced more than once (except the root) a unique $defs name. */
  private void nameDefinitions() {
    Set<String> taken = new HashSet<>();
    for (Map.Entry<JavaType, Integer> e : uses.entrySet()) {
      if (e.getValue() > 1 && !e.getKey().equals(root)) {
        String base = ResponseSchema.nameOf(e.getKey().getRawClass());
        String name = base;
        for (int i = 2; !taken.add(name); i++) {
          name = base + "-" + i;
        }
        defNames.put(e.getKey(), name);
      }
    }
  }

  private JsonNode schemaOf(JavaType declared, boolean nullable, String where) {
    JavaType type = unwrap(declared);
    boolean isNullable = nullable || isOptional(declared);
    if (isOptional(declared)) {
      needsModules = true;
    }
    ObjectNode schema;
    switch (kindOf(type, where)) {
      case STRING -> schema = typed("string");
      case TIME -> {
        needsModules = true;
        schema = typed("string");
        String hint = TimeHints.BY_TYPE.get(type.getRawClass());
        if (hint != null) {
          schema.put("description", hint);
        }
      }
      case INTEGER -> schema = typed("integer");
      case NUMBER -> schema = typed("number");
      case BOOLEAN -> schema = typed("boolean");
      case ENUM -> schema = enumSchema(type.getRawClass());
      case ARRAY -> {
        schema = typed("array");
        schema.set("items", schemaOf(type.getContentType(), false, where));
      }
      case BEAN -> {
        if (type.equals(root)) {
          return reference("#", isNullable);
        }
        String defName = defNames.get(type);
        if (defName == null) {
          schema = beanSchema(type);
        } else {
          if (!defs.containsKey(defName)) {
            defs.put(defName, NODES.objectNode()); // placeholder: a recursive use stops here
            defs.put(defName, beanSchema(type));
          }
          return reference("#/$defs/" + defName, isNullable);
        }
      }
      default -> throw new IllegalStateException("unexpected type " + type);
    }
    if (isNullable) {
      makeNullable(schema);
    }
    return schema;
  }

  private ObjectNode beanSchema(JavaType type) {
    ObjectNode schema = typed("object");
    BeanDescription description = describe(type);
    String classDescription = description.findClassDescription();
    if (classDescription != null && !classDescription.isEmpty()) {
      schema.put("description", classDescription);
    }
    ObjectNode properties = schema.putObject("properties");
    ArrayNode required = NODES.arrayNode();
    for (BeanPropertyDefinition property : properties(description)) {
      JsonNode propertySchema =
          schemaOf(
              property.getPrimaryType(),
              isNullable(property, type.getRawClass()),
              fieldContext(property, type));
      String text = property.getMetadata().getDescription();
      if (text != null && !text.isEmpty()) {
        ObjectNode described = (ObjectNode) propertySchema.deepCopy();
        JsonNode hint = described.get("description");
        described.put("description", hint == null ? text : text + " (" + hint.asText() + ")");
        propertySchema = described;
      }
      properties.set(property.getName(), propertySchema);
      required.add(property.getName());
    }
    schema.set("required", required);
    schema.put("additionalProperties", false);
    return schema;
  }

  /** Jackson's view of a bean type, introspected once per generation (it is not cached). */
  private BeanDescription describe(JavaType type) {
    return descriptions.computeIfAbsent(
        type, t -> Json.MAPPER.getDeserializationConfig().introspect(t));
  }

  private static List<BeanPropertyDefinition> properties(BeanDescription description) {
    List<BeanPropertyDefinition> result = new ArrayList<>();
    for (BeanPropertyDefinition property : description.findProperties()) {
      if (property.couldDeserialize() && !property.getPrimaryType().hasRawClass(Void.class)) {
        result.add(property);
      }
    }
    return result;
  }

  private static ObjectNode reference(String ref, boolean nullable) {
    ObjectNode node = NODES.objectNode();
    if (!nullable) {
      return node.put("$ref", ref);
    }
    ArrayNode anyOf = node.putArray("anyOf");
    anyOf.addObject().put("type", "null");
    anyOf.addObject().put("$ref", ref);
    return node;
  }

  private static void makeNullable(ObjectNode schema) {
    JsonNode type = schema.get("type");
    if (type != null && type.isTextual()) {
      schema.putArray("type").add(type.textValue()).add("null");
    }
    JsonNode values = schema.get("enum");
    if (values instanceof ArrayNode array) {
      array.addNull();
    }
  }

  private static ObjectNode typed(String type) {
    return NODES.objectNode().put("type", type);
  }

  /** The enum's values exactly as the shared ObjectMapper writes them. */
  private static ObjectNode enumSchema(Class<?> enumType) {
    ObjectNode node = NODES.objectNode();
    ArrayNode values = node.putArray("enum");
    boolean allStrings = true;
    for (Object constant : enumType.getEnumConstants()) {
      JsonNode written = Json.MAPPER.valueToTree(constant);
      allStrings &= written.isTextual();
      values.add(written);
    }
    if (allStrings) {
      node.put("type", "string");
    }
    return node;
  }

  private enum Kind {
    STRING,
    TIME,
    INTEGER,
    NUMBER,
    BOOLEAN,
    ENUM,
    ARRAY,
    BEAN
  }

  /** The schema kind of an unwrapped type, rejecting what strict mode cannot express. */
  private static Kind kindOf(JavaType type, String where) {
    Class<?> raw = type.getRawClass();
    if (type.isMapLikeType() || Map.class.isAssignableFrom(raw)) {
      throw ResponseSchema.mapRejected(where + " holds a Map");
    }
    if (raw == String.class
        || raw == char.class
        || raw == Character.class
        || raw == CharSequence.class
        || raw == UUID.class
        || raw == byte[].class
        || raw == char[].class
        || raw.getName().equals("java.net.URI")
        || raw.getName().equals("java.net.URL")) {
      return Kind.STRING;
    }
    if (raw.getName().startsWith("java.time.") && TimeHints.BY_TYPE.containsKey(raw)) {
      return Kind.TIME;
    }
    if (raw == int.class
        || raw == Integer.class
        || raw == long.class
        || raw == Long.class
        || raw == short.class
        || raw == Short.class
        || raw == byte.class
        || raw == Byte.class
        || raw == BigInteger.class
        || raw == OptionalInt.class
        || raw == OptionalLong.class) {
      return Kind.INTEGER;
    }
    if (raw == double.class
        || raw == Double.class
        || raw == float.class
        || raw == Float.class
        || raw == BigDecimal.class
        || raw == OptionalDouble.class) {
      return Kind.NUMBER;
    }
    if (raw == boolean.class || raw == Boolean.class) {
      return Kind.BOOLEAN;
    }
    if (raw.isEnum()) {
      return Kind.ENUM;
    }
    if (type.isArrayType() || type.isCollectionLikeType()) {
      return Kind.ARRAY;
    }
    if (raw == Object.class
        || raw.isPrimitive()
        || raw.getName().startsWith("com.fasterxml.jackson.")
        || raw.getName().startsWith("java.")) {
      throw new IllegalArgumentException(
          where
              + " is typed "
              + type.toCanonical()
              + ", which has no strict JSON schema. Use a concrete record, String, number, boolean,"
              + " enum or a List of those (give generic type parameters concrete types).");
    }
    if (raw.isInterface() || Modifier.isAbstract(raw.getModifiers())) {
      throw new IllegalArgumentException(
          where
              + " is the abstract type "
              + raw.getName()
              + "; strict structured outputs need a concrete record or class.");
    }
    return Kind.BEAN;
  }

  /**
   * The value type inside any {@code Optional}; with or without the JDK 8 module registered (the
   * introspecting mapper has none), so Optional may be a reference type or a plain generic one.
   */
  private static JavaType unwrap(JavaType type) {
    JavaType current = type;
    while (current.hasRawClass(Optional.class)) {
      JavaType inner =
          current.isReferenceType() ? current.getReferencedType() : current.containedType(0);
      if (inner == null) {
        return Json.MAPPER.constructType(Object.class);
      }
      current = inner;
    }
    return current;
  }

  private static boolean isOptional(JavaType type) {
    Class<?> raw = type.getRawClass();
    return raw == Optional.class
        || raw == OptionalInt.class
        || raw == OptionalLong.class
        || raw == OptionalDouble.class;
  }

  private static String fieldContext(BeanPropertyDefinition property, JavaType owner) {
    return "Field '" + property.getName() + "' of " + owner.getRawClass().getName();
  }

  /**
   * Whether the property's field, accessor, setter, creator parameter or record component is
   * annotated (declaration or type use) with an annotation named {@code Nullable}.
   */
  private static boolean isNullable(BeanPropertyDefinition property, Class<?> owner) {
    List<@Nullable AnnotatedMember> members = new ArrayList<>();
    members.add(property.getField());
    members.add(property.getGetter());
    members.add(property.getSetter());
    members.add(property.getConstructorParameter());
    for (AnnotatedMember member : members) {
      if (member != null && hasNullable(member)) {
        return true;
      }
    }
    if (owner.isRecord()) {
      for (RecordComponent component : owner.getRecordComponents()) {
        if (component.getName().equals(property.getInternalName())
            && (named(component) || named(component.getAnnotatedType()))) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean hasNullable(AnnotatedMember member) {
    if (member instanceof AnnotatedField field) {
      Field raw = field.getAnnotated();
      return named(raw) || named(raw.getAnnotatedType());
    }
    if (member instanceof AnnotatedMethod method) {
      Method raw = method.getAnnotated();
      return named(raw)
          || named(raw.getAnnotatedReturnType())
          || (raw.getParameterCount() == 1
              && (named(raw.getParameters()[0])
                  || named(raw.getParameters()[0].getAnnotatedType())));
    }
    if (member instanceof AnnotatedParameter parameter
        && parameter.getOwner().getAnnotated() instanceof Executable executable
        && parameter.getIndex() < executable.getParameterCount()) {
      java.lang.reflect.Parameter raw = executable.getParameters()[parameter.getIndex()];
      return named(raw) || named(raw.getAnnotatedType());
    }
    return false;
  }

  private static boolean named(AnnotatedElement element) {
    for (Annotation a : element.getAnnotations()) {
      if (a.annotationType().getSimpleName().equals("Nullable")) {
        return true;
      }
    }
    return false;
  }
}
