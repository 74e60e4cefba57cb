package io.llmgatling.simulator.dialect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.SplittableRandom;

/**
 * Seeded JSON values valid against a JSON schema: what the simulated model writes as a tool call's arguments and
 * as a structured (schema-constrained) answer. Covers what tool definitions and response formats use: {@code type}
 * (object, array, string, integer, number, boolean, null, or a list of them), {@code enum}, {@code const},
 * {@code properties} (all written, required or not), {@code items}, {@code minItems}/{@code maxItems},
 * {@code minimum}/{@code maximum}, {@code minLength}/{@code maxLength}, the {@code date}, {@code date-time} and
 * {@code email} formats, and {@code anyOf}/{@code oneOf} (the first branch). Free text (a string without enum,
 * format or pattern) gets words until the document reaches about the wanted length.
 */
public final class SchemaValues {
  private static final String[] WORDS = ("alpha river stone light north garden market silver window paper "
      + "harbor forest signal morning bridge quiet orange meadow copper lantern summit velvet cedar island")
      .split(" ");
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** Structure and values: counts, enum picks, numbers (the same whatever the text budget). */
  private final SplittableRandom random;
  /** The words of free text, drawn apart so that stretching the text leaves the structure as it is. */
  private final SplittableRandom words;
  /** Characters of free text still to write, shared by the document's free-text strings in order. */
  private int textBudget;

  private SchemaValues(long seed, int textChars) {
    this.random = new SplittableRandom(seed);
    this.words = new SplittableRandom(~seed);
    this.textBudget = Math.max(0, textChars);
  }

  /**
   * A value valid against {@code schema}.
   *
   * @param seed      the same seed, the same value
   * @param textChars about how many characters of free text to spread over the free-text strings (0: a word each)
   */
  public static JsonNode generate(JsonNode schema, long seed, int textChars) {
    SchemaValues values = new SchemaValues(seed, textChars);
    return values.value(schema == null ? NODES.objectNode() : schema, 0);
  }

  private JsonNode value(JsonNode schema, int depth) {
    if (schema.has("const")) {
      return schema.get("const");
    }
    JsonNode enumValues = schema.get("enum");
    if (enumValues != null && enumValues.isArray() && !enumValues.isEmpty()) {
      return enumValues.get(random.nextInt(enumValues.size()));
    }
    for (String branches : new String[] {"anyOf", "oneOf", "allOf"}) {
      JsonNode list = schema.get(branches);
      if (list != null && list.isArray() && !list.isEmpty() && !schema.has("type")) {
        return value(list.get(0), depth);
      }
    }
    String type = type(schema);
    return switch (type) {
      case "object" -> object(schema, depth);
      case "array" -> array(schema, depth);
      case "integer" -> NODES.numberNode(integer(schema));
      case "number" -> NODES.numberNode(number(schema));
      case "boolean" -> NODES.booleanNode(random.nextBoolean());
      case "null" -> NODES.nullNode();
      default -> NODES.textNode(string(schema));
    };
  }

  private static String type(JsonNode schema) {
    JsonNode type = schema.get("type");
    if (type != null && type.isArray()) {
      for (JsonNode t : type) {
        if (!"null".equals(t.asText())) {
          return t.asText();
        }
      }
      return "null";
    }
    if (type != null && type.isTextual()) {
      return type.asText();
    }
    if (schema.has("properties")) {
      return "object";
    }
    if (schema.has("items")) {
      return "array";
    }
    return "string";
  }

  private ObjectNode object(JsonNode schema, int depth) {
    ObjectNode object = NODES.objectNode();
    JsonNode properties = schema.path("properties");
    properties.fields().forEachRemaining(e -> object.set(e.getKey(), value(e.getValue(), depth + 1)));
    return object;
  }

  private ArrayNode array(JsonNode schema, int depth) {
    int min = schema.path("minItems").asInt(1);
    int max = schema.path("maxItems").asInt(Math.max(min, 3));
    int count = min + random.nextInt(Math.max(1, max - min + 1));
    ArrayNode array = NODES.arrayNode();
    JsonNode items = schema.path("items");
    for (int i = 0; i < count; i++) {
      array.add(value(items.isObject() ? items : NODES.objectNode().put("type", "string"), depth + 1));
    }
    return array;
  }

  private long integer(JsonNode schema) {
    long min = schema.has("minimum") ? (long) Math.ceil(schema.get("minimum").asDouble())
        : schema.has("exclusiveMinimum") ? (long) Math.floor(schema.get("exclusiveMinimum").asDouble()) + 1 : 0;
    long max = schema.has("maximum") ? (long) Math.floor(schema.get("maximum").asDouble())
        : schema.has("exclusiveMaximum") ? (long) Math.ceil(schema.get("exclusiveMaximum").asDouble()) - 1
        : min + 100;
    return max <= min ? min : min + random.nextLong(max - min + 1);
  }

  private double number(JsonNode schema) {
    double min = schema.has("minimum") ? schema.get("minimum").asDouble() : 0;
    double max = schema.has("maximum") ? schema.get("maximum").asDouble() : min + 100;
    return Math.round((min + random.nextDouble() * Math.max(0, max - min)) * 100) / 100.0;
  }

  private String string(JsonNode schema) {
    String format = schema.path("format").asText("");
    switch (format) {
      case "date" -> {
        return String.format("2026-%02d-%02d", 1 + random.nextInt(12), 1 + random.nextInt(28));
      }
      case "date-time" -> {
        return String.format("2026-%02d-%02dT%02d:%02d:00Z", 1 + random.nextInt(12), 1 + random.nextInt(28),
            random.nextInt(24), random.nextInt(60));
      }
      case "email" -> {
        return word(random) + "." + word(random) + "@example.com";
      }
      default -> {
        // other formats are not checked by default: free text
      }
    }
    int minLength = schema.path("minLength").asInt(1);
    int maxLength = schema.path("maxLength").asInt(Integer.MAX_VALUE);
    StringBuilder text = new StringBuilder(word(random));
    while (textBudget > 0 && text.length() < maxLength) {
      String next = " " + word(words);
      text.append(next);
      textBudget -= next.length();
    }
    while (text.length() < minLength) {
      text.append(' ').append(word(random));
    }
    return text.length() > maxLength ? text.substring(0, Math.max(minLength, maxLength)).stripTrailing() : text.toString();
  }

  private static String word(SplittableRandom from) {
    return WORDS[from.nextInt(WORDS.length)];
  }
}
