package io.llmgatling.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.StringWriter;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The project's one holder of configured Jackson mappers (thread-safe once built), used by the engine, the
 * simulator, the run, the report and the CLI alike; it depends on nothing of the project.
 */
public final class Json {

  /**
   * The mapper for everything read and written: lenient on unknown fields (newer records, summaries and server
   * answers still read), strict on syntax (trailing tokens after a value are an error, not ignored).
   */
  public static final ObjectMapper MAPPER = JsonMapper.builder()
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
      .build();

  /** For settings files the user writes by hand: an unknown field is a mistake (a misspelt knob), not ignored. */
  public static final ObjectMapper STRICT = MAPPER.copy()
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  /** Indented output, for files people read (run.json, summary.json, capacity.json). */
  public static final ObjectWriter PRETTY = MAPPER.writerWithDefaultPrettyPrinter();

  private Json() {
  }

  /**
   * Serializes {@code value} so that it can sit verbatim inside {@code <script type="application/json">}:
   * {@code <}, {@code >}, {@code &} (no {@code </script>} or {@code <!--} can appear) and U+2028/U+2029
   * are written as {@code \}{@code uXXXX} escapes, which JSON.parse turns back into the same text.
   */
  public static String toScriptSafeJson(Object value) {
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
