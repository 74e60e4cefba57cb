package io.llmgatling.simulator;

import io.llmgatling.simulator.dialect.Kind;
import io.llmgatling.simulator.dialect.ToolCallPlan;
import io.llmgatling.simulator.dialect.WireFormat;

/** One admitted generating or embedding request, as the handler hands it to a {@link Generation}. */
final class Job {
  Kind kind;
  /** The answer's bytes, in the dialect's wire shape. */
  WireFormat wire;
  /** The dialect's name, for the truth. */
  String api;
  ModelSpec model;
  /** The name as the client wrote it (echoed back, as the servers do). */
  String modelName;
  boolean stream;
  boolean keepConnection;
  Long keepAliveNanos;
  int promptTokens;
  /** The prompt as the model's per-slot prefix cache sees it; null when the model keeps none. */
  SlotScheduler.CachedPrompt cachedPrompt;
  int outputTokens;
  /** Of {@link #outputTokens}, the thinking phase played before the answer (0: none). */
  int reasoningTokens;
  /** stop | length | load */
  String doneReason;
  long arrivalNanos;
  long sequence;
  String requestId;
  String method;
  String path;
  String fault;
  long textSeed;
  long jitterSeed;
  /** The tool call the answer is instead of text (its arguments are {@link #scriptedPieces}); null for text. */
  ToolCallPlan toolCall;
  /**
   * The answer's text decided up front, one piece a token (a tool call's arguments, a structured answer's JSON
   * document); null: words drawn as they go ({@link TextSource}).
   */
  String[] scriptedPieces;
}
