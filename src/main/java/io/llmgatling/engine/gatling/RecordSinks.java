package io.llmgatling.engine.gatling;

import io.llmgatling.engine.record.RecordSink;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * The JVM-wide hook between Gatling actions and the run that records them. A Gatling simulation runs once per
 * JVM, so one installed supplier is enough; the run lifecycle installs it before the injection starts.
 */
public final class RecordSinks {
  private static volatile Supplier<RecordSink> supplier = () -> RecordSink.NONE;
  private static final List<AutoCloseable> CLOSE_AT_END = new CopyOnWriteArrayList<>();

  private RecordSinks() {
  }

  public static void install(Supplier<RecordSink> sinkSupplier) {
    supplier = sinkSupplier;
  }

  static RecordSink current() {
    return supplier.get();
  }

  static void closeAtEnd(AutoCloseable closeable) {
    CLOSE_AT_END.add(closeable);
  }

  /** Closes the clients the actions opened; called once the injection is over. */
  public static void closeAll() {
    for (AutoCloseable c : CLOSE_AT_END) {
      try {
        c.close();
      } catch (Exception ignored) {
        // closing at the end of a run: nothing left to save
      }
    }
    CLOSE_AT_END.clear();
  }
}
