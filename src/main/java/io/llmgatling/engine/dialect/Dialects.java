package io.llmgatling.engine.dialect;

import io.llmgatling.engine.dialect.anthropic.AnthropicDialect;
import io.llmgatling.engine.dialect.llamacpp.LlamaCppDialect;
import io.llmgatling.engine.dialect.llamacpp.LlamaCppNativeDialect;
import io.llmgatling.engine.dialect.lmstudio.LmStudioDialect;
import io.llmgatling.engine.dialect.lmstudio.LmStudioV1Dialect;
import io.llmgatling.engine.dialect.ollama.OllamaDialect;
import io.llmgatling.engine.dialect.openai.OpenAiDialect;
import io.llmgatling.engine.dialect.responses.ResponsesDialect;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** The registry of server APIs: every {@code llm.api} value, DSL {@code api(...)} and record {@code api}. */
public final class Dialects {

  /** Every dialect, in the order error messages and docs list them. One line per API. */
  private static final List<Dialect> ALL = List.of(
      OllamaDialect.INSTANCE,
      OpenAiDialect.INSTANCE,
      LmStudioDialect.AUTO,
      LlamaCppDialect.INSTANCE,
      ResponsesDialect.INSTANCE,
      AnthropicDialect.INSTANCE,
      LmStudioDialect.INSTANCE,
      LmStudioV1Dialect.INSTANCE,
      LlamaCppNativeDialect.INSTANCE);

  private Dialects() {
  }

  /** Every registered dialect. */
  public static List<Dialect> all() {
    return ALL;
  }

  /** The ids, comma-separated, for messages: {@code ollama, openai, lmstudio, llamacpp}. */
  public static String ids() {
    return ALL.stream().map(Dialect::id).collect(Collectors.joining(", "));
  }

  /**
   * The dialect of an id (case-insensitive, trimmed).
   *
   * @throws IllegalArgumentException naming the valid ids
   */
  public static Dialect byId(String id) {
    String wanted = id == null ? "" : id.trim().toLowerCase(Locale.ROOT);
    for (Dialect dialect : ALL) {
      if (dialect.id().equals(wanted)) {
        return dialect;
      }
    }
    throw new IllegalArgumentException("unknown API '" + id + "', expected one of: " + ids());
  }
}
