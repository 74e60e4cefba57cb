package io.llmgatling.engine.record;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgatling.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RequestJournalTest {
  @TempDir
  Path dir;

  private static RequestRecord record(long id) {
    return new RequestRecord(id, "chat", "m", "ollama", "chat", true, 1_700_000_000_000L, 0.5, 1.0, 12.345, 50.0,
        2.5, 2.6, new double[] {2.5, 2.501}, 7, 16, "server", 16, 0.1, null, null, null, null, 200, true, null, null,
        "stop");
  }

  @Test
  void should_write_one_json_line_per_record_from_many_threads_creating_parent_dirs() throws Exception {
    Path file = dir.resolve("results/run-1/requests.jsonl");
    try (RequestJournal journal = RequestJournal.open(file)) {
      List<Thread> threads = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int base = t * 1000;
        Thread thread = new Thread(() -> {
          for (int i = 1; i <= 1000; i++) {
            journal.append(record(base + i));
          }
        });
        threads.add(thread);
        thread.start();
      }
      for (Thread thread : threads) {
        thread.join();
      }
      journal.flush();
      assertThat(journal.count()).isEqualTo(4000);
      assertThat(Files.readAllLines(file)).hasSize(4000);
    }
    List<String> lines = Files.readAllLines(file);
    assertThat(lines.stream().map(l -> l.substring(0, l.indexOf(','))).distinct()).hasSize(4000);
    JsonNode first = Json.MAPPER.readTree(lines.get(0));
    assertThat(first.fieldNames().next()).isEqualTo("id");
    assertThat(first.get("ttftMs").asDouble()).isEqualTo(12.345);
    assertThat(first.get("chunkGapsMs").toString()).isEqualTo("[2.5,2.501]");
    assertThat(first.has("loadMs")).as("null fields are left out").isFalse();
  }

  @Test
  void should_have_written_everything_when_closed() throws Exception {
    Path file = dir.resolve("requests.jsonl");
    RequestJournal journal = RequestJournal.open(file);
    for (int i = 1; i <= 100; i++) {
      journal.append(record(i));
    }
    journal.close();
    journal.close();
    assertThat(Files.readAllLines(file)).hasSize(100);
  }

  @Test
  void should_map_nano_time_to_epoch_millis_monotonically() {
    long now = RunClock.nowNanos();
    long epoch = RunClock.epochMillis(now);
    assertThat(epoch).isCloseTo(System.currentTimeMillis(), org.assertj.core.data.Offset.offset(1_000L));
    assertThat(RunClock.epochMillis(now + 5_000_000_000L) - epoch).isEqualTo(5_000L);
    assertThat(RunClock.epochMillis(now - 1)).isLessThanOrEqualTo(epoch);
  }
}
