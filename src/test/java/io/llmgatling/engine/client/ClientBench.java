package io.llmgatling.engine.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.management.OperatingSystemMXBean;
import io.llmgatling.engine.LlmRequest;
import io.llmgatling.engine.Message;
import io.llmgatling.engine.Operation;
import io.llmgatling.engine.Timeouts;
import io.llmgatling.engine.client.StubLlmServer.Script;
import io.llmgatling.engine.dialect.Dialects;
import io.llmgatling.engine.wire.NdjsonParser;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * Benchmark (not a test): N concurrent NDJSON streams from a scripted stub server in the same JVM,
 * read either by {@link LlmClient} (Netty) or by the JDK {@link HttpClient}. Reports the TTFT error
 * (measured TTFT − the stub's true first-token time after the request arrived), completion, process
 * CPU and peak heap. Usage: {@code ClientBench netty|jdk [streams] [tokens] [gapMs] [rampMs]}
 * (starts spread evenly over the ramp, as an open model does); run by
 * {@code bench/client-vs-jdk}.
 */
public final class ClientBench {
  /** Open-model start: request i of n starts at i/n of the ramp. */
  private static void pace(long startNanos, int i, int n, long rampMs) {
    long due = startNanos + rampMs * 1_000_000L * i / n;
    long wait = due - System.nanoTime();
    if (wait > 0) {
      java.util.concurrent.locks.LockSupport.parkNanos(wait);
    }
  }

  private static void runRound(String mode, int streams, int tokens, long gapMs, long rampMs, Script script,
      boolean report)
      throws Exception {
    Histogram ttftErrorMicros = new Histogram(60_000_000L, 3);
    AtomicInteger ok = new AtomicInteger();
    AtomicInteger ko = new AtomicInteger();
    AtomicLong peakHeap = new AtomicLong();
    Map<String, Long> measuredTtftNanos = new ConcurrentHashMap<>();
    Map<String, long[]> sentAndFirstEpochMs = new ConcurrentHashMap<>();

    try (StubLlmServer server = new StubLlmServer(r -> script)) {
      OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
      var memory = ManagementFactory.getMemoryMXBean();
      Thread sampler = new Thread(() -> {
        while (!Thread.currentThread().isInterrupted()) {
          peakHeap.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
          try {
            Thread.sleep(50);
          } catch (InterruptedException e) {
            return;
          }
        }
      });
      sampler.setDaemon(true);
      sampler.start();
      CountDownLatch done = new CountDownLatch(streams);
      long cpuStart = os.getProcessCpuTime();
      long wallStart = System.nanoTime();
      AutoCloseable clientToClose;
      if (mode.equals("netty")) {
        LlmClient client = new LlmClient(ClientOptions.defaults());
        clientToClose = client;
        Timeouts timeouts = new Timeouts(Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofSeconds(30),
            Duration.ofMinutes(2));
        for (int i = 0; i < streams; i++) {
          pace(wallStart, i, streams, rampMs);
          LlmRequest request = new LlmRequest("bench", Dialects.byId("ollama"), Operation.CHAT, server.baseUrl(), null, "m",
              List.of(Message.user("hi")), null, null, true, tokens, null, timeouts);
          client.send(request, System.nanoTime(), result -> {
            if (result.record().ok() && result.record().ttftMs() != null) {
              ok.incrementAndGet();
              measuredTtftNanos.put(Long.toString(result.record().id()), (long) (result.record().ttftMs() * 1e6));
              sentAndFirstEpochMs.put(Long.toString(result.record().id()),
                  new long[] {result.sentEpochMs(), result.firstTokenEpochMs()});
            } else {
              ko.incrementAndGet();
              if (ko.get() < 5) {
                System.err.println(result.record().cause() + ": " + result.record().message());
              }
            }
            done.countDown();
          });
        }
      } else {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(30)).build();
        clientToClose = () -> { };
        byte[] body = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"stream\":true}"
            .getBytes();
        for (int i = 0; i < streams; i++) {
          pace(wallStart, i, streams, rampMs);
          String id = "jdk-" + i;
          HttpRequest request = HttpRequest.newBuilder(URI.create(server.baseUrl() + "/api/chat"))
              .header("Content-Type", "application/json").header("X-Request-Id", id)
              .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
          long sent = System.nanoTime();
          long[] firstToken = {-1};
          boolean[] ended = {false};
          NdjsonParser parser = new NdjsonParser(new NdjsonParser.Listener() {
            long arrival;

            @Override
            public void onJson(JsonNode value) {
              String content = value.path("message").path("content").asText("");
              if (!content.isEmpty() && firstToken[0] < 0) {
                firstToken[0] = System.nanoTime();
              }
              if (value.path("done").asBoolean()) {
                ended[0] = true;
              }
            }

            @Override
            public void onMalformed(String line, String problem) {
            }
          });
          client.sendAsync(request, HttpResponse.BodyHandlers.fromSubscriber(new Flow.Subscriber<List<ByteBuffer>>() {
            @Override
            public void onSubscribe(Flow.Subscription subscription) {
              subscription.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(List<ByteBuffer> buffers) {
              for (ByteBuffer b : buffers) {
                byte[] bytes = new byte[b.remaining()];
                b.get(bytes);
                parser.feed(bytes, 0, bytes.length);
              }
            }

            @Override
            public void onError(Throwable throwable) {
            }

            @Override
            public void onComplete() {
            }
          })).whenComplete((response, error) -> {
            if (error == null && ended[0] && firstToken[0] > 0) {
              ok.incrementAndGet();
              measuredTtftNanos.put(id, firstToken[0] - sent);
            } else {
              ko.incrementAndGet();
              if (ko.get() < 5) {
                System.err.println("jdk failure: " + error);
              }
            }
            done.countDown();
          });
        }
      }
      boolean finished = done.await(5, TimeUnit.MINUTES);
      long wallNanos = System.nanoTime() - wallStart;
      long cpuNanos = os.getProcessCpuTime() - cpuStart;
      sampler.interrupt();
      clientToClose.close();

      Histogram requestTransitMs = new Histogram(3);
      Histogram responseTransitMs = new Histogram(3);
      for (StubLlmServer.Received r : server.received) {
        long[] epochs = sentAndFirstEpochMs.get(r.requestId());
        List<Long> firstChunk = server.chunkNanos.get(r.requestId());
        if (epochs != null && firstChunk != null) {
          requestTransitMs.recordValue(Math.max(0,
              io.llmgatling.engine.record.RunClock.epochMillis(r.arrivalNanos()) - epochs[0]));
          responseTransitMs.recordValue(Math.max(0,
              epochs[1] - io.llmgatling.engine.record.RunClock.epochMillis(firstChunk.get(0))));
        }
      }
      if (report && requestTransitMs.getTotalCount() > 0) {
        System.out.printf("  netty detail (ms): request sent->server arrival p50=%d p99=%d; first chunk write->client "
                + "arrival p50=%d p99=%d%n", requestTransitMs.getValueAtPercentile(50),
            requestTransitMs.getValueAtPercentile(99), responseTransitMs.getValueAtPercentile(50),
            responseTransitMs.getValueAtPercentile(99));
      }
      for (StubLlmServer.Received r : server.received) {
        Long measured = measuredTtftNanos.get(r.requestId());
        List<Long> chunks = server.chunkNanos.get(r.requestId());
        if (measured != null && chunks != null && !chunks.isEmpty()) {
          long trueTtft = chunks.get(0) - r.arrivalNanos();
          ttftErrorMicros.recordValue(Math.max(0, (measured - trueTtft) / 1_000));
        }
      }
      if (!report) {
        return;
      }
      System.out.printf("client=%s streams=%d tokens=%d gapMs=%d rampMs=%d finished=%s ok=%d ko=%d wall=%.2fs cpu=%.2fs "
              + "cpuPerToken=%.1fus peakHeap=%dMiB ttftError(ms) p50=%.3f p90=%.3f p99=%.3f max=%.3f%n",
          mode, streams, tokens, gapMs, rampMs, finished, ok.get(), ko.get(), wallNanos / 1e9, cpuNanos / 1e9,
          cpuNanos / 1e3 / Math.max(1, (long) ok.get() * tokens), peakHeap.get() >> 20,
          ttftErrorMicros.getValueAtPercentile(50) / 1e3, ttftErrorMicros.getValueAtPercentile(90) / 1e3,
          ttftErrorMicros.getValueAtPercentile(99) / 1e3, ttftErrorMicros.getMaxValue() / 1e3);
    }
  }

  public static void main(String[] args) throws Exception {
    String mode = args.length > 0 ? args[0] : "netty";
    int streams = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
    int tokens = args.length > 2 ? Integer.parseInt(args[2]) : 20;
    long gapMs = args.length > 3 ? Long.parseLong(args[3]) : 100;
    long rampMs = args.length > 4 ? Long.parseLong(args[4]) : 2000;

    Script script = Script.stream("application/x-ndjson").pause(100);
    for (int i = 0; i < tokens; i++) {
      script.chunk("{\"message\":{\"role\":\"assistant\",\"content\":\"tok" + i + " \"},\"done\":false}\n").pause(gapMs);
    }
    script.chunk("{\"message\":{\"role\":\"assistant\",\"content\":\"\"},\"done\":true,\"eval_count\":" + tokens + "}\n").end();

    // warm-up round (JIT, class loading, connection pools), then the measured round
    runRound(mode, Math.min(streams, 200), tokens, gapMs, rampMs, script, false);
    runRound(mode, streams, tokens, gapMs, rampMs, script, true);
    System.exit(0);
  }
}
