package io.llmgatling.support;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * Field-by-field comparison of a served JSON object with a documented one: every field of the documented object is
 * there, with the same JSON type (any number for a number; a null documented field may be anything), recursively
 * into objects and into the first element of arrays both have.
 */
public final class JsonShape {
  private JsonShape() {
  }

  /** Every field of {@code documented} is in {@code served}, same type, at any depth. */
  public static void assertSameShape(JsonNode documented, JsonNode served, String where) {
    assertSameShape(documented, served, where, Set.of());
  }

  /** As {@link #assertSameShape(JsonNode, JsonNode, String)}, not descending into the fields named in {@code flat}. */
  public static void assertSameShape(JsonNode documented, JsonNode served, String where, Set<String> flat) {
    assertThat(served).as("%s is missing", where).isNotNull();
    if (documented.isNull()) {
      return;
    }
    if (documented.isNumber()) {
      assertThat(served.isNumber()).as("%s is a number, served %s", where, served).isTrue();
      return;
    }
    assertThat(served.getNodeType()).as("%s: type of %s", where, served).isEqualTo(documented.getNodeType());
    if (documented.isObject()) {
      Iterator<Map.Entry<String, JsonNode>> fields = documented.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> field = fields.next();
        String path = where + "." + field.getKey();
        JsonNode value = served.get(field.getKey());
        assertThat(value).as("%s is missing in %s", path, served).isNotNull();
        if (!flat.contains(field.getKey())) {
          assertSameShape(field.getValue(), value, path, flat);
        }
      }
    } else if (documented.isArray() && !documented.isEmpty() && !served.isEmpty()) {
      assertSameShape(documented.get(0), served.get(0), where + "[0]", flat);
    }
  }
}
