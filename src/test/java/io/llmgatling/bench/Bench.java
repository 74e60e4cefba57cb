package io.llmgatling.bench;

import com.sun.management.OperatingSystemMXBean;
import io.llmgatling.engine.LlmRequest;
import io.llmgatling.engine.LlmResult;
import io.llmgatling.engine.Message;
import io.llmgatling.engine.Operation;
import io.llmgatling.engine.Timeouts;
import io.llmgatling.engine.client.ClientOptions;
import io.llmgatling.engine.client.LlmClient;
import io.llmgatling.engine.dialect.Dialect;
import io.llmgatling.engine.dialect.Dialects;
import io.llmgatling.engine.record.RequestRecord;
import io.llmgatling.json.Json;
import io.llmgatling.simulator.LlmSimulator;
import io.llmgatling.simulator.RequestTruth;
import io.llmgatling.simulator.SimulatorConfig;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * The Java side of {@code bench/run} (a benchmark, not a test). Subcommands, each printing one
 * {@code RESULT key=value ...} line per measurement for the script to tabulate:
 * <ul>
 *   <li>{@code fidelity N[,N...] [tokens] [decodeTokPerSec] [rampMs]}: LlmClient and the simulator in this
 *       JVM (same nanoTime clock), slot limit off; N streams started over the ramp, all open at once.
 *       Error of the client's absolute first-token arrival against the simulator's true first-token write,
 *       and of every client inter-chunk gap against the true gap between the token writes.</li>
 *   <li>{@code stream BASE_URL N warmupS measureS}: N streamed /api/generate requests kept open (closed
 *       loop) against a simulator in another JVM: tokens/s received, CPU used, heap per open stream.</li>
 *   <li>{@code rate BASE_URL CONNECTIONS warmupS measureS [SERVER_PID]}: non-streamed /api/generate, closed
 *       loop with CONNECTIONS in flight: requests/s, the client's CPU and the server process's (from /proc).
 *       {@code -Dbench.eventLoops=N} runs the client on N event loops.</li>
 *   <li>{@code body}: prints the exact body the {@code rate} requests send (for wrk and autocannon).</li>
 * </ul>
 */
public final class Bench {
  /** {@code -Dbench.tail=true}: fidelity rounds print their largest TTFT errors and when they happened. */
  private static final boolean TAIL = Boolean.getBoolean("bench.tail");
  /** {@code -Dbench.api=openai}: fidelity over OpenAI SSE chat streams instead of Ollama NDJSON. */
  private static final Dialect FIDELITY_API = Dialects.byId(
      System.getProperty("bench.api", "ollama"));
  private static final long JVM_START_NANOS =
      System.nanoTime() - ManagementFactory.getRuntimeMXBean().getUptime() * 1_000_000L;
  private static final String MODEL = "llama3.2:3b";
  private static final Timeouts LONG = new Timeouts(Duration.ofSeconds(30), Duration.ofSeconds(60),
      Duration.ofSeconds(60), Duration.ofMinutes(5));

  private Bench() {
  }

  public static void main(String[] args) throws Exception {
    switch (args.length == 0 ? "" : args[0]) {
      case "fidelity" -> fidelity(args);
      case "stream" -> stream(args);
      case "rate" -> rate(args);
      case "body" -> System.out.println(new String(Json.MAPPER.writeValueAsBytes(
          Dialects.byId("ollama").body(rateRequest(URI.create("http://127.0.0.1:1")))), StandardCharsets.UTF_8));
      default -> {
        System.err.println("usage: Bench fidelity|stream|rate|body ...");
        System.exit(2);
      }
    }
    System.exit(0);
  }

  // ---------------------------------------------------------------- fidelity

  private static void fidelity(String[] args) throws Exception {
    String[] counts = args[1].split(",");
    int tokens = args.length > 2 ? Integer.parseInt(args[2]) : 60;
    double decode = args.length > 3 ? Double.parseDouble(args[3]) : 20;
    long rampMs = args.length > 4 ? Long.parseLong(args[4]) : 1000;
    int maxN = 0;
    for (String c : counts) {
      maxN = Math.max(maxN, Integer.parseInt(c.trim()));
    }
    SimulatorConfig config = SimulatorConfig.forProfile("ollama").toBuilder()
        .port(0).slots(0).maxQueue(1_000_000).preloadModels(true).loadTimeMs(0).outputTokens(tokens)
        .rates(1_000_000, decode, 0).truthLimit(maxN * 2 + 1000)
        .ioThreads(Integer.getInteger("bench.simIoThreads", 0)).build();
    int loops = Integer.getInteger("bench.eventLoops", 0);
    EventLoopGroup group = loops > 0 ? new MultiThreadIoEventLoopGroup(loops, EpollIoHandler.newFactory()) : null;
    try (LlmSimulator sim = LlmSimulator.start(config); LlmClient client = new LlmClient(group == null
        ? ClientOptions.defaults() : ClientOptions.defaults().withEventLoopGroup(group))) {
      // warm-up: class loading and JIT on both sides, and the connection pool grown to the largest N
      fidelityRound(sim, client, Math.min(maxN, 200), Math.max(200, rampMs / 4), "warmup", tokens, decode);
      fidelityRound(sim, client, maxN, rampMs, "warmup", tokens, decode);
      for (String c : counts) {
        fidelityRound(sim, client, Integer.parseInt(c.trim()), rampMs, "measure", tokens, decode);
      }
    } finally {
      if (group != null) {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      }
    }
  }

  private static void fidelityRound(LlmSimulator sim, LlmClient client, int n, long rampMs, String phase, int tokens,
      double decode) throws Exception {
    sim.clearTruth();
    ConcurrentLinkedQueue<long[]> sends = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<LlmResult> results = new ConcurrentLinkedQueue<>();
    CountDownLatch done = new CountDownLatch(n);
    AtomicInteger open = new AtomicInteger();
    AtomicInteger maxOpen = new AtomicInteger();
    Map<Long, Long> intendedById = new java.util.concurrent.ConcurrentHashMap<>();
    long[] gcBefore = gcCountAndMillis();
    long start = System.nanoTime() + 50_000_000L;
    for (int i = 0; i < n; i++) {
      long due = start + rampMs * 1_000_000L * i / n;
      long wait = due - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      }
      LlmRequest request = new LlmRequest("bench", FIDELITY_API, Operation.CHAT, sim.baseUrl(), null, MODEL,
          List.of(Message.user("Tell me about the sea, request " + i)), null, null, true, tokens, null, LONG);
      maxOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
      client.send(request, due, result -> {
        open.decrementAndGet();
        intendedById.put(result.record().id(), due);
        results.add(result);
        done.countDown();
      });
    }
    if (!done.await(rampMs + 120_000, TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException(n + " streams did not finish in time");
    }
    long[] gcAfter = gcCountAndMillis();
    if (!phase.equals("measure")) {
      return;
    }
    Map<String, RequestTruth> truth = awaitTruth(sim, results);
    Histogram ttftErr = new Histogram(60_000_000L, 3);   // microseconds
    Histogram gapErr = new Histogram(60_000_000L, 3);
    Histogram ttftRelErr = new Histogram(60_000_000L, 3);
    List<double[]> tail = new ArrayList<>();
    int ok = 0;
    int ko = 0;
    int noTruth = 0;
    String firstError = null;
    for (LlmResult result : results) {
      RequestRecord r = result.record();
      if (!r.ok() || r.ttftMs() == null) {
        ko++;
        if (firstError == null) {
          firstError = r.cause() + ": " + r.message();
        }
        continue;
      }
      RequestTruth t = truth.get(Long.toString(r.id()));
      if (t == null) {
        noTruth++;
        continue;
      }
      ok++;
      long intended = intendedById.get(r.id());
      // absolute client first-token arrival, rebuilt from the record: intended + (sent - intended) + (first - sent)
      double clientFirstNanos = intended + (r.clientDelayMs() + r.ttftMs()) * 1e6;
      ttftErr.recordValue(Math.round(Math.abs(clientFirstNanos - t.firstTokenNanos()) / 1e3));
      if (TAIL) {
        tail.add(new double[] {Math.abs(clientFirstNanos - t.firstTokenNanos()) / 1e6,
            (t.firstTokenNanos() - JVM_START_NANOS) / 1e6, r.clientDelayMs(), r.ttftMs()});
      }
      double trueTtftMs = (t.firstTokenNanos() - t.arrivalNanos()) / 1e6;
      ttftRelErr.recordValue(Math.round(Math.abs(r.ttftMs() - trueTtftMs) * 1e3));
      long[] tn = t.tokenNanos();
      double[] gaps = r.chunkGapsMs();
      if (gaps != null) {
        for (int i = 1; i < tn.length && i - 1 < gaps.length; i++) {
          double trueGapMs = (tn[i] - tn[i - 1]) / 1e6;
          gapErr.recordValue(Math.round(Math.abs(gaps[i - 1] - trueGapMs) * 1e3));
        }
      }
    }
    System.out.printf(Locale.ROOT, "RESULT part=fidelity api=%s streams=%d maxOpen=%d ok=%d ko=%d noTruth=%d decode=%.0f"
            + " tokens=%d gc=%s gcPauses=%d gcPauseMs=%d"
            + " ttftErrP50=%.3f ttftErrP99=%.3f ttftErrMax=%.3f gapErrP50=%.3f gapErrP99=%.3f gapErrMax=%.3f gaps=%d"
            + " ttftRelErrP99=%.3f%n",
        FIDELITY_API.id(), n, maxOpen.get(), ok, ko, noTruth, decode, tokens, collector(),
        gcAfter[0] - gcBefore[0], gcAfter[1] - gcBefore[1],
        ms(ttftErr, 50), ms(ttftErr, 99), ttftErr.getMaxValue() / 1e3,
        ms(gapErr, 50), ms(gapErr, 99), gapErr.getMaxValue() / 1e3, gapErr.getTotalCount(),
        ms(ttftRelErr, 99));
    if (firstError != null) {
      System.err.println("first error: " + firstError);
    }
    if (TAIL) {
      // the largest TTFT errors with when they happened (ms of JVM uptime, as -Xlog:gc prints them): a cluster
      // is a pause of the whole process, scattered ones are scheduling
      tail.sort((a, b) -> Double.compare(b[0], a[0]));
      for (double[] e : tail.subList(0, Math.min(20, tail.size()))) {
        System.err.printf(Locale.ROOT, "tail n=%d errMs=%.3f atUptimeMs=%.1f clientDelayMs=%.3f ttftMs=%.3f%n",
            n, e[0], e[1], e[2], e[3]);
      }
    }
  }

  /**
   * Collections so far and their summed time: a stop-the-world pause holds back every token due during it in
   * this one-JVM set-up (client and simulator together), and such pauses are the usual source of the tail.
   */
  private static long[] gcCountAndMillis() {
    long count = 0;
    long millis = 0;
    for (var gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      // concurrent work is not a pause: G1's concurrent cycle, ZGC's cycles (its "ZGC Pauses" are counted)
      if (gc.getName().contains("Concurrent") || gc.getName().contains("Cycles")) {
        continue;
      }
      count += Math.max(0, gc.getCollectionCount());
      millis += Math.max(0, gc.getCollectionTime());
    }
    return new long[] {count, millis};
  }

  /** The collector's name as the table shows it: G1, ZGC, Parallel, ... */
  private static String collector() {
    String name = ManagementFactory.getGarbageCollectorMXBeans().get(0).getName();
    return name.startsWith("ZGC") ? "ZGC" : name.startsWith("G1") ? "G1" : name.split(" ")[0];
  }

  private static double ms(Histogram h, double percentile) {
    return h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(percentile) / 1e3;
  }

  /** The simulator files a request's truth after its last write, which may come after the client's read. */
  private static Map<String, RequestTruth> awaitTruth(LlmSimulator sim, ConcurrentLinkedQueue<LlmResult> results)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      Map<String, RequestTruth> byId = new HashMap<>();
      for (RequestTruth t : sim.truth()) {
        if (t.requestId() != null) {
          byId.put(t.requestId(), t);
        }
      }
      boolean all = results.stream().allMatch(r -> byId.containsKey(Long.toString(r.record().id())));
      if (all || System.nanoTime() > deadline) {
        return byId;
      }
      Thread.sleep(20);
    }
  }

  // ---------------------------------------------------------------- streaming throughput

  private static void stream(String[] args) throws Exception {
    URI base = URI.create(args[1]);
    int n = Integer.parseInt(args[2]);
    long warmupS = Long.parseLong(args[3]);
    long measureS = Long.parseLong(args[4]);
    var memory = ManagementFactory.getMemoryMXBean();
    System.gc();
    System.gc();
    long heapBefore = memory.getHeapMemoryUsage().getUsed();
    AtomicLong tokens = new AtomicLong();
    AtomicLong requests = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    AtomicInteger open = new AtomicInteger();
    AtomicBoolean stopping = new AtomicBoolean();
    AtomicLong lastError = new AtomicLong();
    try (LlmClient client = new LlmClient(ClientOptions.defaults())) {
      LlmRequest request = new LlmRequest("bench", Dialects.byId("ollama"), Operation.GENERATE, base, null, MODEL,
          null, "Tell me a long story.", null, true, null, null, LONG);
      Runnable[] sendOne = new Runnable[1];
      sendOne[0] = () -> {
        open.incrementAndGet();
        client.send(request, System.nanoTime(), result -> {
          open.decrementAndGet();
          RequestRecord r = result.record();
          if (r.ok() && r.outputTokens() != null) {
            tokens.addAndGet(r.outputTokens());
            requests.incrementAndGet();
          } else {
            errors.incrementAndGet();
            if (lastError.getAndIncrement() < 3) {
              System.err.println("stream error: " + r.cause() + ": " + r.message());
            }
          }
          if (!stopping.get()) {
            sendOne[0].run();
          }
        });
      };
      // open the streams in batches so the simulator's accept queue never overflows
      for (int i = 0; i < n; i++) {
        sendOne[0].run();
        if (i % 200 == 199) {
          Thread.sleep(20);
        }
      }
      Thread.sleep(warmupS * 1000);
      OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
      long t0 = System.nanoTime();
      long cpu0 = os.getProcessCpuTime();
      long tok0 = tokens.get();
      int minOpen = Integer.MAX_VALUE;
      while (System.nanoTime() - t0 < measureS * 1_000_000_000L) {
        Thread.sleep(100);
        minOpen = Math.min(minOpen, open.get());
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      double cores = (os.getProcessCpuTime() - cpu0) / 1e9 / seconds;
      long tok = tokens.get() - tok0;
      // heap with the streams still open, after a full collection
      System.gc();
      System.gc();
      long heapOpen = memory.getHeapMemoryUsage().getUsed();
      int openNow = open.get();
      stopping.set(true);
      System.out.printf(Locale.ROOT, "RESULT part=stream streams=%d minOpen=%d tokensPerSec=%.0f clientCores=%.2f"
              + " tokensPerCoreSec=%.0f heapPerStreamKb=%.1f heapOpenMb=%.1f errors=%d cpus=%d%n",
          n, minOpen, tok / seconds, cores, tok / seconds / Math.max(cores, 0.01),
          (heapOpen - heapBefore) / 1024.0 / Math.max(openNow, 1), heapOpen / 1048576.0, errors.get(),
          Runtime.getRuntime().availableProcessors());
    }
  }

  // ---------------------------------------------------------------- request rate

  /** utime + stime of a local process in clock ticks (1/100 s), from /proc; 0 when not given or unreadable. */
  private static long cpuTicks(String pid) {
    if (pid == null) {
      return 0;
    }
    try {
      String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc", pid, "stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    } catch (Exception e) {
      return 0;
    }
  }

  private static LlmRequest rateRequest(URI base) {
    return new LlmRequest("bench", Dialects.byId("ollama"), Operation.GENERATE, base, null, MODEL, null, "hi", null, false,
        null, null, LONG);
  }

  private static void rate(String[] args) throws Exception {
    URI base = URI.create(args[1]);
    int connections = Integer.parseInt(args[2]);
    long warmupS = Long.parseLong(args[3]);
    long measureS = Long.parseLong(args[4]);
    String serverPid = args.length > 5 ? args[5] : null;
    AtomicLong ok = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    AtomicBoolean stopping = new AtomicBoolean();
    CountDownLatch drained = new CountDownLatch(connections);
    // -Dbench.eventLoops=N: the client on N event loops (default: Netty's, 2 per core)
    int loops = Integer.getInteger("bench.eventLoops", 0);
    EventLoopGroup group = loops > 0 ? new MultiThreadIoEventLoopGroup(loops, EpollIoHandler.newFactory()) : null;
    try (LlmClient client = new LlmClient(group == null ? ClientOptions.defaults()
        : ClientOptions.defaults().withEventLoopGroup(group))) {
      LlmRequest request = rateRequest(base);
      Runnable[] sendOne = new Runnable[1];
      sendOne[0] = () -> client.send(request, System.nanoTime(), result -> {
        if (result.record().ok()) {
          ok.incrementAndGet();
        } else if (errors.getAndIncrement() < 3) {
          System.err.println("rate error: " + result.record().cause() + ": " + result.record().message());
        }
        if (stopping.get()) {
          drained.countDown();
        } else {
          sendOne[0].run();
        }
      });
      for (int i = 0; i < connections; i++) {
        sendOne[0].run();
      }
      Thread.sleep(warmupS * 1000);
      OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
      long t0 = System.nanoTime();
      long cpu0 = os.getProcessCpuTime();
      long ok0 = ok.get();
      long err0 = errors.get();
      long serverTicks0 = cpuTicks(serverPid);
      Thread.sleep(measureS * 1000);
      long done = ok.get() - ok0;
      long serverTicks = cpuTicks(serverPid) - serverTicks0;
      double seconds = (System.nanoTime() - t0) / 1e9;
      double cores = (os.getProcessCpuTime() - cpu0) / 1e9 / seconds;
      stopping.set(true);
      drained.await(5, TimeUnit.SECONDS);
      System.out.printf(Locale.ROOT, "RESULT part=rate tool=llm-gatling connections=%d requestsPerSec=%.0f"
              + " errors=%d clientCores=%.2f serverCores=%.2f cpus=%d eventLoops=%d warmupS=%d%n",
          connections, done / seconds, errors.get() - err0, cores, serverTicks / 100.0 / seconds,
          Runtime.getRuntime().availableProcessors(), loops > 0 ? loops : 2 * Runtime.getRuntime().availableProcessors(),
          warmupS);
    } finally {
      if (group != null) {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      }
    }
  }
}
