package io.llmgatling.engine.client;

import io.llmgatling.engine.LlmRequest;
import io.llmgatling.engine.LlmResult;
import java.util.function.Consumer;

/** STUB (replaced by the engine branch). */
public final class LlmClient implements AutoCloseable {
  public LlmClient(ClientOptions options) {
  }

  public void send(LlmRequest request, long intendedNanos, Consumer<LlmResult> onDone) {
    throw new UnsupportedOperationException();
  }

  @Override
  public void close() {
  }
}
