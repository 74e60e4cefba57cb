package io.llmgatling.simulator;

/** The generating and embedding endpoints, with the API family whose wire format they speak. */
enum Endpoint {
  OLLAMA_CHAT(Family.OLLAMA, Kind.CHAT),
  OLLAMA_GENERATE(Family.OLLAMA, Kind.TEXT),
  OLLAMA_EMBED(Family.OLLAMA, Kind.EMBED),
  OLLAMA_EMBEDDINGS(Family.OLLAMA, Kind.EMBED),
  OPENAI_CHAT(Family.OPENAI, Kind.CHAT),
  OPENAI_COMPLETION(Family.OPENAI, Kind.TEXT),
  OPENAI_EMBEDDINGS(Family.OPENAI, Kind.EMBED),
  LMSTUDIO_CHAT(Family.LMSTUDIO, Kind.CHAT),
  LMSTUDIO_COMPLETION(Family.LMSTUDIO, Kind.TEXT),
  LMSTUDIO_EMBEDDINGS(Family.LMSTUDIO, Kind.EMBED);

  enum Family { OLLAMA, OPENAI, LMSTUDIO }

  enum Kind { CHAT, TEXT, EMBED }

  final Family family;
  final Kind kind;

  Endpoint(Family family, Kind kind) {
    this.family = family;
    this.kind = kind;
  }

  /** OpenAI wire format (SSE, choices, usage): /v1 and LM Studio's /api/v0. */
  boolean openAiShaped() {
    return family != Family.OLLAMA;
  }

  static Endpoint forPost(String path) {
    return switch (path) {
      case "/api/chat" -> OLLAMA_CHAT;
      case "/api/generate" -> OLLAMA_GENERATE;
      case "/api/embed" -> OLLAMA_EMBED;
      case "/api/embeddings" -> OLLAMA_EMBEDDINGS;
      case "/v1/chat/completions" -> OPENAI_CHAT;
      case "/v1/completions" -> OPENAI_COMPLETION;
      case "/v1/embeddings" -> OPENAI_EMBEDDINGS;
      case "/api/v0/chat/completions" -> LMSTUDIO_CHAT;
      case "/api/v0/completions" -> LMSTUDIO_COMPLETION;
      case "/api/v0/embeddings" -> LMSTUDIO_EMBEDDINGS;
      default -> null;
    };
  }
}
