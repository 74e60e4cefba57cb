package io.llmgatling.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class SloTest {

  @Test
  void should_parse_the_spec_example_list() {
    List<Slo> slos = Slo.parseList("ttft.p95<2s, itl.p99<100ms, e2e.p99<60s, errorRate<1%");

    assertThat(slos).containsExactly(
        new Slo("ttft.p95<2s", null, "ttft", "p95", true, 2000),
        new Slo("itl.p99<100ms", null, "itl", "p99", true, 100),
        new Slo("e2e.p99<60s", null, "e2e", "p99", true, 60_000),
        new Slo("errorRate<1%", null, "errorRate", null, true, 1));
  }

  @Test
  void should_parse_task_scope_units_and_greater_than() {
    assertThat(Slo.parse("chat:ttft.p50<1.5s")).isEqualTo(new Slo("chat:ttft.p50<1.5s", "chat", "ttft", "p50", true, 1500));
    assertThat(Slo.parse("long-context:e2e.max<2m").threshold()).isEqualTo(120_000);
    assertThat(Slo.parse("queue.mean<250").threshold()).isEqualTo(250);
    assertThat(Slo.parse("clientDelay.p99 < 50 ms")).extracting(Slo::metric, Slo::threshold)
        .containsExactly("clientDelay", 50.0);
    assertThat(Slo.parse("outputTokensPerSec>50")).isEqualTo(
        new Slo("outputTokensPerSec>50", null, "outputTokensPerSec", null, false, 50));
    assertThat(Slo.parse("goodputPerSec>1.5").threshold()).isEqualTo(1.5);
    assertThat(Slo.parse("embeddings:requestsPerSec>2").task()).isEqualTo("embeddings");
  }

  @Test
  void should_read_a_time_metric_without_stat_as_every_request() {
    Slo slo = Slo.parse("TTFT<2s");

    assertThat(slo.metric()).isEqualTo("ttft");
    assertThat(slo.stat()).isEqualTo("max");
    assertThat(slo.perRequest()).isTrue();
  }

  @Test
  void should_judge_values_against_the_threshold() {
    assertThat(Slo.parse("ttft.p95<2s").isMetBy(1999)).isTrue();
    assertThat(Slo.parse("ttft.p95<2s").isMetBy(2000)).isFalse();
    assertThat(Slo.parse("requestsPerSec>2").isMetBy(2.5)).isTrue();
  }

  @Test
  void should_return_an_empty_list_for_blank_input() {
    assertThat(Slo.parseList(null)).isEmpty();
    assertThat(Slo.parseList("  ")).isEmpty();
  }

  @Test
  void should_reject_bad_expressions_with_one_line_showing_the_bad_part_and_the_grammar() {
    for (String bad : List.of("ttft.p95<<2s", "ttft.p42<2s", "latency.p95<2s", "ttft.p95<2h", "errorRate<1s",
        "errorRate.p95<1%", "requestsPerSec>2ms", "ttft.p95", "ttft.p95<fast")) {
      assertThatThrownBy(() -> Slo.parseList("itl.p99<100ms, " + bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("'" + bad + "'")
          .hasMessageContaining(Slo.GRAMMAR)
          .hasMessageNotContaining("\n");
    }
  }
}
