package io.llmgatling.engine.record;

import java.nio.file.Path;

/** STUB (replaced by the engine branch). */
public final class RequestJournal implements AutoCloseable {
  public static RequestJournal open(Path file) {
    return new RequestJournal();
  }

  public void append(RequestRecord r) {
  }

  public void flush() {
  }

  @Override
  public void close() {
  }

  public long count() {
    return 0;
  }
}
