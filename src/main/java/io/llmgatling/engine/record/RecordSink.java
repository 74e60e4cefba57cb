package io.llmgatling.engine.record;

/** Where finished requests go (the run's journal and live statistics). Must be thread-safe and never block. */
@FunctionalInterface
public interface RecordSink {
  void accept(RequestRecord record);

  RecordSink NONE = r -> { };
}
