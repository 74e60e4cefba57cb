package io.llmgatling.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ConsoleSummaryTest {

  @Test
  void should_print_the_servers_own_words_under_each_error_cause() throws Exception {
    JsonNode summary = new ObjectMapper().readTree("""
        {"all": {"requests": 20, "ko": 18, "errors": {"http_400": 18}},
         "errorSamples": {"http_400": [{"message": "the request exceeds the available context size",
           "count": 18, "task": "rag", "model": "qwen3", "first": "x", "last": "y"}]},
         "slo": [], "passed": false}
        """);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    ConsoleSummary.print(new PrintStream(bytes, true, StandardCharsets.UTF_8), summary, Path.of("results/r1"));

    assertThat(bytes.toString(StandardCharsets.UTF_8))
        .contains("errors by cause: http_400=18")
        .contains("http_400            18 x the request exceeds the available context size (task rag, model qwen3)");
  }
}
