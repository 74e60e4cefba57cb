package io.llmgatling.workload;

import io.llmgatling.engine.BaseUrl;
import io.llmgatling.engine.dialect.Dialect;
import io.llmgatling.engine.dialect.Dialects;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The kind of server a run drives, with what to assume when the user says nothing more: its API, where it
 * listens by default and which models to ask for. A server kind is not an API: one server serves several APIs
 * on its one port (Ollama its own and OpenAI's), so the port belongs here and the API is named by its
 * {@link Dialects} id; adding an API adds no target. The default model names are guesses for a typical
 * install; users set {@code llm.model} to what their server has (the pre-flight check lists them).
 */
public enum Target {
  /** The embedded simulator, started in-process on a free port; its models match the simulator's. */
  SIM("sim", "ollama", null, List.of("llama3.2:3b", "qwen2.5:7b", "nomic-embed-text")),
  /** Ollama's native API. Ollama can embed with a chat model, so one model covers the default mix. */
  OLLAMA("ollama", "ollama", "http://localhost:11434", List.of("llama3.2")),
  /** LM Studio's REST API (model ids as {@code lms ls} prints them). */
  LMSTUDIO("lmstudio", "lmstudio", "http://localhost:1234",
      List.of("qwen2.5-7b-instruct", "text-embedding-nomic-embed-text-v1.5")),
  /**
   * llama.cpp's llama-server. A single-model server answers whatever model name it is sent; embeddings
   * need a second server started with {@code --embeddings} (or a router), else drop them from the mix.
   */
  LLAMACPP("llamacpp", "llamacpp", "http://localhost:8080",
      List.of("llama-3.2-3b-instruct", "nomic-embed-text-v1.5")),
  /** Any OpenAI-compatible server (vLLM, SGLang, TGI, LocalAI, ...); port 8000 is vLLM's default. */
  OPENAI("openai", "openai", "http://localhost:8000",
      List.of("Qwen/Qwen2.5-1.5B-Instruct", "nomic-ai/nomic-embed-text-v1.5"));

  private final String id;
  private final String defaultApi;
  private final String defaultBaseUrl;
  private final List<String> defaultModels;

  Target(String id, String defaultApi, String defaultBaseUrl, List<String> defaultModels) {
    this.id = id;
    this.defaultApi = defaultApi;
    this.defaultBaseUrl = defaultBaseUrl;
    this.defaultModels = defaultModels;
  }

  /** The name {@code llm.target} uses. */
  public String id() {
    return id;
  }

  /** The API spoken unless {@code llm.api} says otherwise. */
  public Dialect defaultApi() {
    return Dialects.byId(defaultApi);
  }

  /** Where the server listens by default; empty for the embedded simulator (its port is picked at start). */
  public Optional<BaseUrl> defaultBaseUrl() {
    return Optional.ofNullable(defaultBaseUrl).map(BaseUrl::parse);
  }

  /** Models asked for when {@code llm.model} is not set. */
  public List<String> defaultModels() {
    return defaultModels;
  }

  /** Comma-separated ids, for error messages. */
  public static String ids() {
    return Arrays.stream(values()).map(Target::id).collect(Collectors.joining(", "));
  }

  /** The target of that id (case-insensitive), if any. */
  public static Optional<Target> find(String id) {
    String wanted = id == null ? "" : id.trim().toLowerCase(Locale.ROOT);
    return Arrays.stream(values()).filter(t -> t.id.equals(wanted)).findFirst();
  }
}
