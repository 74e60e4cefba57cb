package io.llmgatling.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmgatling.engine.record.RequestRecord;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ErrorSamplesTest {
  private static final long T0 = 1_764_000_000_000L;

  @Test
  void should_list_each_cause_with_its_most_frequent_messages_first() {
    ErrorSamples samples = new ErrorSamples();
    samples.add(SyntheticRuns.ko(1, "rag", "m", T0, "http_400", "context size exceeded"));
    samples.add(SyntheticRuns.ko(2, "rag", "m", T0 + 5_000, "http_400", "context size exceeded"));
    samples.add(SyntheticRuns.ko(3, "embed", "m", T0 + 1_000, "http_400", "model does not support embeddings"));
    samples.add(SyntheticRuns.ko(4, "chat", "m", T0 + 2_000, "timeout", "no first byte within 30 s"));
    samples.add(SyntheticRuns.ok(5, "chat", "m", T0, 100.0, 500, 10, null));

    Map<String, List<Summary.ErrorSample>> result = samples.toSamples();

    assertThat(result).containsOnlyKeys("http_400", "timeout");
    assertThat(result.get("http_400")).containsExactly(
        new Summary.ErrorSample("context size exceeded", 2, "rag", "m", "2025-11-24T16:00:00Z",
            "2025-11-24T16:00:05Z"),
        new Summary.ErrorSample("model does not support embeddings", 1, "embed", "m", "2025-11-24T16:00:01Z",
            "2025-11-24T16:00:01Z"));
  }

  @Test
  void should_keep_a_handful_of_messages_per_cause() {
    ErrorSamples samples = new ErrorSamples();
    for (int i = 0; i < 20; i++) {
      samples.add(SyntheticRuns.ko(i, "chat", "m", T0 + i, "http_500", "failure " + i));
    }

    assertThat(samples.toSamples().get("http_500")).hasSize(ErrorSamples.PER_CAUSE);
  }

  @Test
  void should_fold_messages_beyond_the_tracked_limit_into_one_line() {
    ErrorSamples samples = new ErrorSamples();
    for (int i = 0; i < ErrorSamples.MAX_DISTINCT + 50; i++) {
      samples.add(SyntheticRuns.ko(i, "chat", "m", T0 + i, "http_500", "request id " + i));
    }

    assertThat(samples.toSamples().get("http_500").get(0))
        .extracting(Summary.ErrorSample::message, Summary.ErrorSample::count)
        .containsExactly("(other messages)", 50L);
  }

  @Test
  void should_cut_long_messages_to_one_line() {
    ErrorSamples samples = new ErrorSamples();
    samples.add(SyntheticRuns.ko(1, "chat", "m", T0, "http_502", "<html>\n" + "x".repeat(1000) + "\n</html>"));

    String message = samples.toSamples().get("http_502").get(0).message();
    assertThat(message).hasSize(ErrorSamples.MAX_MESSAGE).doesNotContain("\n").endsWith("…");
  }

  @Test
  void should_be_empty_when_nothing_failed() {
    ErrorSamples samples = new ErrorSamples();
    samples.add(SyntheticRuns.ok(1, "chat", "m", T0, 100.0, 500, 10, null));

    assertThat(samples.toSamples()).isEmpty();
  }
}
