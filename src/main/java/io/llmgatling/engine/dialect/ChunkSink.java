package io.llmgatling.engine.dialect;

/** Where a dialect's reader puts the chunks it read. */
@FunctionalInterface
public interface ChunkSink {
  void accept(Chunk chunk);

  /** Answer text, when there is some. */
  default void token(String text) {
    if (text != null && !text.isEmpty()) {
      accept(new Chunk.Token(text, 1));
    }
  }

  /** Reasoning text, when there is some. */
  default void reasoning(String text) {
    if (text != null && !text.isEmpty()) {
      accept(new Chunk.Reasoning(text));
    }
  }
}
