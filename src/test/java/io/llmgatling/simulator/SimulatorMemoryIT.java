package io.llmgatling.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmgatling.support.LiveObjects;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What a long run on keep-alive connections leaves behind in the simulator. Counted with the JVM's class
 * histogram (which runs a full GC first), so it is exact, not a heap-size guess.
 */
class SimulatorMemoryIT {
  private static final int REQUESTS = 3_000;
  private LlmSimulator sim;

  @AfterEach
  void stop() {
    if (sim != null) {
      sim.close();
    }
  }

  @Test
  void should_not_keep_finished_requests_reachable_from_a_keep_alive_connection() throws Exception {
    sim = LlmSimulator.start(SimulatorConfig.forProfile("ollama").toBuilder().port(0).zeroLatency(true)
        .slots(0).outputTokens(4).truthLimit(0).build());
    // HTTP/1.1 and one request at a time: the JDK client serves them all on one pooled connection
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    String[][] requests = {
        {"/api/generate", "{\"model\":\"llama3.2:3b\",\"prompt\":\"hi\",\"stream\":false}"},
        {"/api/chat", "{\"model\":\"llama3.2:3b\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"},
        {"/v1/chat/completions", "{\"model\":\"llama3.2:3b\",\"stream\":true,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"}};
    for (int i = 0; i < REQUESTS; i++) {
      String[] r = requests[i % requests.length];
      HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(sim.baseUrl() + r[0]))
          .POST(HttpRequest.BodyPublishers.ofString(r[1])).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(200);
    }

    // before the fix every request stayed reachable through its connection's close listeners: 3,000 here
    assertThat(LiveObjects.count(Generation.class)).isLessThan(50);
  }
}
