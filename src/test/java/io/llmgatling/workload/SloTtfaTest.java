package io.llmgatling.workload;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The first-answer time of reasoning models as an objective. */
class SloTtfaTest {
  @Test
  void should_parse_ttfa_as_a_per_request_time_metric() {
    Slo slo = Slo.parse("chat:ttfa.p95<8s");

    assertThat(slo).isEqualTo(new Slo("chat:ttfa.p95<8s", "chat", "ttfa", "p95", true, 8000));
    assertThat(slo.perRequest()).isTrue();
    assertThat(Slo.GRAMMAR).contains("ttfa");
  }
}
