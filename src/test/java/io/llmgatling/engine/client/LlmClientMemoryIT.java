package io.llmgatling.engine.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmgatling.engine.LlmRequest;
import io.llmgatling.engine.LlmResult;
import io.llmgatling.engine.Message;
import io.llmgatling.engine.Operation;
import io.llmgatling.engine.Timeouts;
import io.llmgatling.engine.dialect.Dialects;
import io.llmgatling.simulator.LlmSimulator;
import io.llmgatling.simulator.SimulatorConfig;
import io.llmgatling.support.LiveObjects;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** What a long run leaves behind in the client: finished exchanges must not stay reachable. */
class LlmClientMemoryIT {
  private static final int REQUESTS = 3_000;
  private static final Timeouts TIMEOUTS = new Timeouts(Duration.ofSeconds(5), Duration.ofSeconds(10),
      Duration.ofSeconds(10), Duration.ofSeconds(30));

  @Test
  void should_not_keep_finished_exchanges_reachable_on_a_keep_alive_connection() throws Exception {
    try (LlmSimulator sim = LlmSimulator.start(SimulatorConfig.forProfile("ollama").toBuilder().port(0)
        .zeroLatency(true).slots(0).outputTokens(4).truthLimit(0).build());
        LlmClient client = new LlmClient(ClientOptions.defaults())) {
      for (int i = 0; i < REQUESTS; i++) {
        // one at a time, so every request reuses the same pooled connection
        boolean stream = i % 2 == 0;
        LlmRequest request = new LlmRequest("chat", i % 3 == 0 ? Dialects.byId("openai") : Dialects.byId("ollama"),
            Operation.CHAT, sim.baseUrl(), null, "llama3.2:3b",
            List.of(Message.user("hi")), null, List.of(), stream, 4, Map.of(), TIMEOUTS);
        CompletableFuture<LlmResult> done = new CompletableFuture<>();
        client.send(request, System.nanoTime(), done::complete);
        LlmResult result = done.get(10, TimeUnit.SECONDS);
        assertThat(result.record().ok()).as(result.record().message()).isTrue();
      }

      assertThat(LiveObjects.count(Exchange.class)).isLessThan(50);
    }
  }
}
