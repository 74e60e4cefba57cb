package io.llmgatling.engine.dialect;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;

/**
 * Benchmark (not a test): bytes allocated and time per streamed token chunk through a dialect's fast path
 * ({@link StreamLineReader} into a {@link ResponseAccumulator}), 1,000,000 chunks a round. Allocation is
 * deterministic whatever the machine's load; the time is not. Usage: run {@code main} on the test classpath.
 * 2026-11-30, JDK 17, load average 14 on 2 cores: Ollama line 122.7 bytes/chunk, OpenAI SSE data 66.7 bytes/chunk,
 * the same as the providers before typed chunks (a record per token would add 24). Same day, load average 23:
 * Responses {@code response.output_text.delta} data 66.7 bytes/chunk, Anthropic {@code content_block_delta} 66.7.
 */
public final class ChunkAllocationBench {
  private ChunkAllocationBench() {
  }

  public static void main(String[] args) {
    byte[] ollama = ("{\"model\":\"llama3.2:3b\",\"created_at\":\"2026-01-01T00:00:00Z\","
        + "\"message\":{\"role\":\"assistant\",\"content\":\" word\"},\"done\":false}").getBytes(StandardCharsets.UTF_8);
    byte[] openai = ("{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
        + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\" word\"},\"finish_reason\":null}]}")
        .getBytes(StandardCharsets.UTF_8);
    byte[] responses = ("{\"type\":\"response.output_text.delta\",\"sequence_number\":12,\"item_id\":\"msg_5e00000007\","
        + "\"output_index\":0,\"content_index\":0,\"delta\":\" word\",\"logprobs\":[]}").getBytes(StandardCharsets.UTF_8);
    byte[] anthropic = ("{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\","
        + "\"text\":\" word\"}}").getBytes(StandardCharsets.UTF_8);
    run("ollama", Dialects.byId("ollama"), ollama);
    run("openai", Dialects.byId("openai"), openai);
    run("responses", Dialects.byId("responses"), responses);
    run("anthropic", Dialects.byId("anthropic"), anthropic);
  }

  private static void run(String name, Dialect dialect, byte[] line) {
    var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    try (StreamLineReader reader = new StreamLineReader(dialect::readChunkFast)) {
      for (int round = 0; round < 5; round++) {
        int n = 1_000_000;
        ResponseAccumulator acc = new ResponseAccumulator();
        long bytes0 = threads.getCurrentThreadAllocatedBytes();
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
          if (i % 1000 == 0) {
            acc = new ResponseAccumulator(); // a 1,000-token answer
          }
          if (!reader.read(line, 0, line.length, acc)) {
            throw new AssertionError("not on the fast path");
          }
        }
        long t1 = System.nanoTime();
        long bytes1 = threads.getCurrentThreadAllocatedBytes();
        System.out.printf("%s round %d: %.1f bytes/chunk, %.0f ns/chunk%n", name, round, (bytes1 - bytes0) / (double) n,
            (t1 - t0) / (double) n);
      }
    }
  }
}
