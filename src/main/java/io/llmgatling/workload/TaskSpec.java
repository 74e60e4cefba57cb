package io.llmgatling.workload;

import io.llmgatling.engine.Operation;
import io.llmgatling.engine.dialect.Dialect;
import java.util.List;

/**
 * One kind of work in the mix: what it asks of the model, with which prompts, and what it must meet.
 *
 * @param name             the task's name in {@code llm.mix}, records and summaries
 * @param operation        the operation on Ollama's native API; see {@link #operationFor(Dialect)}
 * @param defaultMaxTokens output cap per request unless {@code llm.maxTokens} says otherwise (0 for embeddings)
 * @param defaultStream    whether answers are streamed unless {@code llm.stream} says otherwise
 * @param promptResource   the prompt set's file name under {@code user-files/prompts/}
 * @param defaultSlos      lenient task-scoped objectives applied when {@code llm.slo} is not set
 * @param defaultWeight    weight in the default mix (0: available but not run by default)
 * @param batchSize        texts per request for embeddings, 1 otherwise
 * @param maxTurns         most user turns in one conversation (1 = single request)
 * @param description      one line for docs and {@code --help}
 */
public record TaskSpec(
    String name,
    Operation operation,
    int defaultMaxTokens,
    boolean defaultStream,
    String promptResource,
    List<Slo> defaultSlos,
    int defaultWeight,
    int batchSize,
    int maxTurns,
    String description) {

  public TaskSpec {
    defaultSlos = List.copyOf(defaultSlos);
  }

  /**
   * The operation on a given API. Completion runs as {@code /api/generate} on Ollama and as the plain
   * completions endpoint ({@code /v1/completions}) everywhere else.
   */
  public Operation operationFor(Dialect api) {
    return api.operationFor(operation);
  }

  /** Whether the task needs an embedding model rather than a chat model. */
  public boolean embeds() {
    return operation == Operation.EMBED;
  }
}
