package io.llmgatling.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class ConsoleSummaryResourcesTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void should_print_process_gpu_and_server_figures_on_one_line() throws Exception {
    String line = ConsoleSummary.resourcesLine(JSON.readTree("""
        {"samples": 60, "cpuPercent": {"p50": 180, "max": 250}, "rssMb": {"p50": 4000, "max": 4512},
         "gpu": {"samples": 60, "gpus": 1, "utilPercent": {"p50": 92}, "memoryMb": {"max": 20781},
                 "powerW": {"p50": 287}, "energyWh": 4.8, "energyWhPer1kOutputTokens": 0.52},
         "server": {"samples": 60, "busySlots": {"p95": 4}, "requestsDeferred": {"p95": 3}, "promptTokens": 600}}"""));
    assertThat(line).isEqualTo("resources: server CPU p50/max 180/250 %, RSS max 4512 MiB; GPU util p50 92.0 %, "
        + "memory max 20781 MiB, power p50 287 W, 0.52 Wh per 1k output tokens; busy slots p95 4.00, deferred p95 3.00");
  }

  @Test
  void should_print_nothing_when_nothing_was_sampled() {
    assertThat(ConsoleSummary.resourcesLine(JSON.missingNode())).isNull();
  }
}
