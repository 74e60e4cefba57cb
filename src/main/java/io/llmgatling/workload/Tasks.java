package io.llmgatling.workload;

import io.llmgatling.engine.Operation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The built-in tasks: chat, completion, long-context, code, embeddings, tools, structured, vision. */
public final class Tasks {

  public static final TaskSpec CHAT = new TaskSpec("chat", Operation.CHAT, 128, true, "chat.jsonl",
      Slo.parseList("chat:ttft.p95<5s, chat:e2e.p95<30s"), 60, 1, 3,
      "short conversations of 1 to 3 user turns, each answer fed back into the next request");
  public static final TaskSpec COMPLETION = new TaskSpec("completion", Operation.GENERATE, 128, true,
      "completion.jsonl", Slo.parseList("completion:ttft.p95<5s, completion:e2e.p95<30s"), 10, 1, 1,
      "raw text continuation (Ollama /api/generate, OpenAI /v1/completions)");
  public static final TaskSpec LONG_CONTEXT = new TaskSpec("long-context", Operation.CHAT, 256, true,
      "long-context.jsonl", Slo.parseList("long-context:ttft.p95<20s, long-context:e2e.p95<90s"), 15, 1, 1,
      "summarise or answer a question over a document of 2,000-6,000 tokens (prompt processing heavy)");
  public static final TaskSpec CODE = new TaskSpec("code", Operation.CHAT, 256, true, "code.jsonl",
      Slo.parseList("code:ttft.p95<5s, code:e2e.p95<60s"), 0, 1, 1,
      "write, explain or fix code (longer answers); not in the default mix");
  public static final TaskSpec EMBEDDINGS = new TaskSpec("embeddings", Operation.EMBED, 0, false,
      "embeddings.jsonl", Slo.parseList("embeddings:e2e.p95<5s"), 15, 8, 1,
      "batches of 8 short passages to embed, as a RAG indexer sends them");

  /**
   * Function calling: tool definitions in, a tool call out (checked: an offered tool, arguments that parse), then
   * the tool's result sent back and the final answer measured; two requests, two records (the second with
   * {@code toolResult: true}). 256 tokens: a call's arguments take 20-80, the final answer the rest.
   */
  public static final TaskSpec TOOLS = new TaskSpec("tools", Operation.CHAT, 256, true, "tools.jsonl",
      Slo.parseList("tools:ttft.p95<5s, tools:e2e.p95<30s"), 0, 1, 2,
      "function calling: the model calls one of the offered tools, then answers from the tool's result");
  /**
   * JSON-schema constrained answers, validated against the prompt's schema (invalid: a check failure). 512 tokens:
   * the prompts' documents are 60-300 tokens, room for a model that writes long strings. TTFT 10 s, not chat's 5:
   * a server compiles a schema into a grammar before the first token (llama.cpp per request, vLLM's xgrammar on
   * first use of a schema), and with 15 requests in a 30 s run the p95 is the slowest one or two, a cold load among
   * them (3.1 s on the embedded simulator without warm-up, its 3 s load included).
   */
  public static final TaskSpec STRUCTURED = new TaskSpec("structured", Operation.CHAT, 512, true, "structured.jsonl",
      Slo.parseList("structured:ttft.p95<10s, structured:e2e.p95<60s"), 0, 1, 1,
      "structured output: an answer constrained to the prompt's JSON schema, validated against it");
  /** An image in the message (generated, never downloaded); its tokens make the prefill heavier than chat's. */
  public static final TaskSpec VISION = new TaskSpec("vision", Operation.CHAT, 128, true, "vision.jsonl",
      Slo.parseList("vision:ttft.p95<10s, vision:e2e.p95<30s"), 0, 1, 1,
      "describe or answer a question about a generated image (PNG or JPEG of a known size)");

  /** Objectives on the whole run that hold whatever the mix. */
  public static final List<Slo> RUN_SLOS = Slo.parseList("errorRate<1%");

  private static final Map<String, TaskSpec> BY_NAME = index(CHAT, COMPLETION, LONG_CONTEXT, CODE, EMBEDDINGS, TOOLS,
      STRUCTURED, VISION);

  private Tasks() {
  }

  /** All built-in tasks in documentation order. */
  public static List<TaskSpec> all() {
    return List.copyOf(BY_NAME.values());
  }

  /** The names of all tasks, comma separated, for error messages. */
  public static String names() {
    return String.join(", ", BY_NAME.keySet());
  }

  /** The task of that name, if it is a built-in one. */
  public static Optional<TaskSpec> find(String name) {
    return Optional.ofNullable(name == null ? null : BY_NAME.get(name.trim()));
  }

  /**
   * The task of that name.
   *
   * @throws ConfigException naming the known tasks when there is no such task
   */
  public static TaskSpec byName(String name) {
    return find(name).orElseThrow(() -> new ConfigException(
        "unknown task '" + name + "', expected one of: " + names()));
  }

  /** The default SLOs of a run made of these tasks: the run-wide ones plus each task's own. */
  public static List<Slo> defaultSlos(List<TaskSpec> tasks) {
    List<Slo> slos = new ArrayList<>(RUN_SLOS);
    tasks.forEach(task -> slos.addAll(task.defaultSlos()));
    return List.copyOf(slos);
  }

  private static Map<String, TaskSpec> index(TaskSpec... tasks) {
    Map<String, TaskSpec> byName = new LinkedHashMap<>();
    for (TaskSpec task : tasks) {
      byName.put(task.name(), task);
    }
    return byName;
  }
}
