package io.llmgatling.simulator;

import java.util.List;

/** One parsed generating or embedding request, as the handler hands it to a {@link Generation}. */
final class Job {
  Endpoint endpoint;
  ModelSpec model;
  /** The name as the client wrote it (echoed back, as the servers do). */
  String modelName;
  boolean stream;
  boolean includeUsage;
  boolean keepConnection;
  Long keepAliveNanos;
  int promptTokens;
  /** The prompt as the model's per-slot prefix cache sees it; null when the model keeps none. */
  SlotScheduler.CachedPrompt cachedPrompt;
  int outputTokens;
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
  List<String> inputs = List.of();
  int dimensions;
  boolean base64;
  boolean normalize = true;
}
