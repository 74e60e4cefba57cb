package io.llmgatling.report;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.StringWriter;
import java.io.IOException;
import java.io.UncheckedIOException;

/** The report's Jackson set-up, and the JSON writer that is safe to embed in an HTML {@code <script>}. */
final class Json {

  /** Lenient on unknown fields, so newer records and summaries still read. */
  static final ObjectMapper MAPPER = JsonMapper.builder()
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
      .build();

  private Json() {
  }

  /**
   * Serializes {@code value} so that it can sit verbatim inside {@code <script type="application/json">}:
   * {@code <}, {@code >}, {@code &} (no {@code </script>} or {@code <!--} can appear) and U+2028/U+2029
   * are written as {@code \}{@code uXXXX} escapes, which JSON.parse turns back into the same text.
   */
  static String toScriptSafeJson(Object value) {
    StringWriter out = new StringWriter();
    try (JsonGenerator generator = MAPPER.getFactory().createGenerator(out)) {
      generator.setCharacterEscapes(ScriptSafeEscapes.INSTANCE);
      MAPPER.writeValue(generator, value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  private static final class ScriptSafeEscapes extends CharacterEscapes {
    static final ScriptSafeEscapes INSTANCE = new ScriptSafeEscapes();
    private final int[] asciiEscapes;

    private ScriptSafeEscapes() {
      asciiEscapes = standardAsciiEscapesForJSON();
      asciiEscapes['<'] = ESCAPE_STANDARD;
      asciiEscapes['>'] = ESCAPE_STANDARD;
      asciiEscapes['&'] = ESCAPE_STANDARD;
    }

    @Override
    public int[] getEscapeCodesForAscii() {
      return asciiEscapes;
    }

    @Override
    public SerializableString getEscapeSequence(int ch) {
      if (ch == 0x2028) {
        return new SerializedString("\\u2028");
      }
      if (ch == 0x2029) {
        return new SerializedString("\\u2029");
      }
      return null;
    }
  }
}
