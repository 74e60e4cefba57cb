package io.llmgatling.run;

import io.llmgatling.engine.record.RequestRecord;
import io.llmgatling.report.SearchStep;
import io.llmgatling.report.StepJudge;
import io.llmgatling.workload.LoadProfile;
import io.llmgatling.workload.Slo;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.LongUnaryOperator;

/**
 * The adaptive capacity search ({@code llm.profile=capacity}): decides while the run goes which request rate to
 * offer, judges each step in steady state and narrows the bracket around the highest rate the server sustains.
 * Pure Java (no Gatling); every method takes the time ({@link System#nanoTime()} terms), so a test drives it with a
 * fake clock.
 *
 * <p><b>Admission gate.</b> Gatling's open injection is fixed when the run starts, so the scenarios inject "tick"
 * users at a fixed fine rate and each asks {@link #admit(int, long)} whether an arrival is due. Rates are
 * requests/s: each task keeps a credit of requests, the integral of its share of the rate, and a tick admits a
 * user when the credit is not negative; the user's intended start is the moment it became so (arrivals are as
 * regular as a schedule, the tick's lateness shows as client delay), and the credit pays for the requests the
 * user will send: the prompt set's average at once, corrected by {@link #planned(int, int)} once its prompt is
 * drawn (a chat user sends 1-3 requests). Users/s = requests/s divided by the requests per user planned.
 *
 * <p><b>Steps.</b> Each step is a warm-up (not judged: at least {@value #MIN_WARMUP_SEC} s and 3 median service times
 * seen so far, at most {@value #MAX_WARMUP_SEC} s, so that the queue of the new rate builds up; a service time is
 * E2E − TTFT + the fastest TTFT seen for streams, E2E otherwise) and a judged window lasting until it holds at least
 * {@code minRequests} completions and {@code minWindow}, at most {@code maxWindow} (cut short when the backlog
 * clearly grows: see {@link #clearlyBehind}). A step HOLDS only if, in its
 * window: some requests finished; completions kept up with the requests sent (the backlog grew by no more than
 * {@code 1 − }{@value #KEEP_UP} of the arrivals, or one request) and with the rate offered (at least
 * {@value #KEEP_UP} of it: chat follow-ups wait for the previous answer, so they may not queue at all); the median TTFT (E2E for non-streamed work) of
 * the second half of the completions is not above the first half's by more than {@value #TREND_TOLERANCE} and half
 * a median service time (at least {@value #TREND_SLACK_MS} ms): a queue that grows; the error rate is within budget ({@code errorRate} SLO, else {@value #ERROR_BUDGET_PERCENT} %); every
 * run-wide SLO holds on the window's completions.
 *
 * <p><b>Search.</b> The rate doubles from the start rate until a step fails (halves while the first steps fail),
 * then bisects between the last good and the first bad rate until the bracket is within {@code precision} of its
 * upper end, the time budget ends, or the maximum rate held. After a failed step, admissions pause until the
 * requests in flight have finished (at most {@value #MAX_DRAIN_SEC} s), so its backlog does not judge the next one.
 */
public final class CapacitySearch {
  /** Returned by {@link #admit(int, long)} when no arrival is due. */
  public static final long REFUSED = Long.MIN_VALUE;

  /**
   * Completions must reach this share of the requests sent in the judged window. On a deterministic server with
   * regular arrivals the count noise is ±1 request per window (3 % of the 30 default completions), so 0.95 holds a
   * step below saturation and fails one 6 % above it; the latency trend catches the smaller overloads.
   */
  static final double KEEP_UP = 0.95;
  /** Relative growth of the median latency, second half of the window against the first, that counts as a queue. */
  static final double TREND_TOLERANCE = 0.25;
  /** ... and the least absolute growth it must also exceed (besides half a median service time). */
  static final double TREND_SLACK_MS = 50;
  static final double MIN_WARMUP_SEC = 3;
  static final double WARMUP_SERVICE_TIMES = 3;
  static final double MAX_WARMUP_SEC = 30;
  static final double ERROR_BUDGET_PERCENT = 1;
  static final double MAX_DRAIN_SEC = 60;
  static final double GROWTH = 2;
  static final double EARLY_VERDICT_SEC = 2;
  /** Fewest completions a window capped by {@code maxWindow} needs to be judged at all. */
  static final int MIN_COMPLETIONS_AT_CAP = 5;

  /**
   * One task's part of the arrivals.
   *
   * @param name            task name
   * @param share           fraction of the requests, summing to 1 over the tasks
   * @param requestsPerUser requests one virtual user sends, expected from the prompt set (1 for single requests)
   */
  public record Task(String name, double share, double requestsPerUser) {
  }

  /** Where the search is. */
  public enum Phase { IDLE, WARMUP, JUDGED, DRAIN, DONE }

  private final LoadProfile.Capacity settings;
  private final List<Task> tasks;
  private final LongUnaryOperator epochMillis;
  private final boolean hasErrorSlo;
  private final double[] credit;
  private final long[] lastTick;
  private final long[] admitted;
  private final long[] started;
  private final long[] planned;
  private final long[] plannedUsers;
  private final long[] active;
  private final boolean closed;

  private Phase phase = Phase.IDLE;
  private double rate;
  private long searchStart;
  private long stepStart;
  private long phaseStart;
  private long warmupNanos;
  private long inFlight;
  private final double[] recentE2e = new double[64];
  private int recentCount;
  private double minTtftMs = Double.MAX_VALUE;

  // judged window
  private long windowArrivals;
  private StepJudge judge;
  private final List<double[]> windowCompletions = new ArrayList<>(); // {nanos, ttft or NaN, e2e or NaN}
  private long windowKo;

  private final List<SearchStep> steps = new ArrayList<>();
  private Double lastGood;
  private Double firstBad;
  private String stopReason;
  private Integer serverSlots;
  private final List<String> log = new ArrayList<>();

  /**
   * @param settings    the profile's search settings and limits
   * @param tasks       the tasks sharing the arrivals, indexed as {@link #admit(int, long)} gets them
   * @param epochMillis maps a nanoTime reading to epoch ms (for the steps' times)
   */
  public CapacitySearch(LoadProfile.Capacity settings, List<Task> tasks, LongUnaryOperator epochMillis) {
    if (tasks.isEmpty()) {
      throw new IllegalArgumentException("a capacity search needs at least one task");
    }
    this.settings = settings;
    this.tasks = List.copyOf(tasks);
    this.epochMillis = epochMillis;
    this.hasErrorSlo = settings.limits().stream().anyMatch(s -> s.task() == null && s.metric().equals("errorRate"));
    int n = tasks.size();
    credit = new double[n];
    lastTick = new long[n];
    admitted = new long[n];
    started = new long[n];
    planned = new long[n];
    plannedUsers = new long[n];
    active = new long[n];
    closed = settings.closed();
  }

  /** Starts the first step. */
  public synchronized void start(long now) {
    searchStart = now;
    rate = closed ? settings.startUsers() : settings.startRate();
    Arrays.fill(lastTick, now);
    startStep(now);
  }

  /**
   * Whether the tick user of task {@code task} arriving at {@code now} becomes a real arrival.
   *
   * @return its intended start (nanoTime terms, at most {@code now}), or {@link #REFUSED}
   */
  public synchronized long admit(int task, long now) {
    advance(now);
    if (phase != Phase.WARMUP && phase != Phase.JUDGED) {
      lastTick[task] = now;
      credit[task] = 0;
      return REFUSED;
    }
    if (closed) {
      // the closed model: a tick takes the place of a user that ended, up to the task's share of the users
      if (active[task] >= Math.max(1, Math.round(rate * tasks.get(task).share()))) {
        return REFUSED;
      }
      active[task]++;
      admitted[task]++;
      return now;
    }
    double requestsPerSec = rate * tasks.get(task).share();
    credit[task] += requestsPerSec * Math.max(0, now - lastTick[task]) / 1e9;
    lastTick[task] = now;
    if (credit[task] < 0) {
      return REFUSED;
    }
    // a tick rate below the users/s would pile credit up and then release a burst: keep at most one in reserve
    credit[task] = Math.min(credit[task], 1);
    long due = Math.max(stepStart, now - Math.round(credit[task] / requestsPerSec * 1e9));
    // the user will send this many requests on average; planned(...) corrects it once its prompt is drawn
    credit[task] -= tasks.get(task).requestsPerUser();
    admitted[task]++;
    return Math.min(now, due);
  }

  /**
   * The admitted user of task {@code task} drew its prompt and will send {@code requests} requests (a chat with two
   * follow-up turns: 3): the gate spaces the next arrivals by what this one will really send, so that the requests
   * offered follow the rate exactly instead of the prompt set's average.
   */
  public synchronized void planned(int task, int requests) {
    credit[task] -= requests - tasks.get(task).requestsPerUser();
    planned[task] += requests;
    plannedUsers[task]++;
  }

  /** Closed model: a user admitted for task {@code task} ended its visit (a no-op for the open model). */
  public synchronized void userDone(int task) {
    if (closed && active[task] > 0) {
      active[task]--;
    }
  }

  /** A request of task {@code task} is being sent (first turn or follow-up). */
  public synchronized void requestStarted(int task, long now) {
    advance(now);
    if (task >= 0 && task < started.length) {
      started[task]++;
    }
    inFlight++;
    if (phase == Phase.JUDGED) {
      windowArrivals++;
    }
  }

  /** A request finished (its record arrived at {@code now}). */
  public synchronized void completed(RequestRecord r, long now) {
    inFlight = Math.max(0, inFlight - 1);
    if (r.ok() && r.e2eMs() != null) {
      // a service time without the queue: decode time plus the fastest first token seen, where streams tell them
      double service = r.e2eMs();
      if (r.ttftMs() != null) {
        minTtftMs = Math.min(minTtftMs, r.ttftMs());
        service = r.e2eMs() - r.ttftMs() + minTtftMs;
      }
      recentE2e[recentCount++ % recentE2e.length] = service;
    }
    if (phase == Phase.JUDGED) {
      judge.add(r);
      windowCompletions.add(new double[] {now, r.ok() && r.ttftMs() != null ? r.ttftMs() : Double.NaN,
          r.ok() && r.e2eMs() != null ? r.e2eMs() : Double.NaN});
      if (!r.ok()) {
        windowKo++;
      }
    }
    advance(now);
  }

  /**
   * Moves the search on (phase ends, verdicts); call often (every 250 ms) besides admissions.
   *
   * @return console lines for what happened since the last call
   */
  public synchronized List<String> tick(long now) {
    advance(now);
    List<String> lines = List.copyOf(log);
    log.clear();
    return lines;
  }

  /** Whether the search has ended: the injection should stop. */
  public synchronized boolean done() {
    return phase == Phase.DONE;
  }

  /** Why the search ended, or null while it runs. */
  public synchronized String stopReason() {
    return stopReason;
  }

  /** The tasks, indexed as {@link #admit(int, long)} gets them. */
  public List<Task> tasks() {
    return tasks;
  }

  public synchronized Phase phase() {
    return phase;
  }

  /** The request rate offered now. */
  public synchronized double rate() {
    return rate;
  }

  /** Requests per virtual user: as planned by the users admitted so far, else the prompt sets' expectation. */
  public synchronized double requestsPerUser() {
    double users = 0;
    for (int i = 0; i < tasks.size(); i++) {
      users += usersPerSec(i);
    }
    return users > 0 ? rate / users : 1;
  }

  /** The outcome so far, for {@code capacity.json}. */
  public synchronized SearchStep.Outcome outcome() {
    return new SearchStep.Outcome(round3(requestsPerUser()), lastGood, firstBad, stopReason, steps, serverSlots);
  }

  /** What the server said of its parallel slots (llama-server {@code /props}), a hint for the fitted model. */
  public synchronized void serverSlots(Integer slots) {
    this.serverSlots = slots;
  }

  /** Ends the search now (run interrupted or injection over). */
  public synchronized void stop(String reason) {
    if (phase != Phase.DONE) {
      finish(reason);
    }
  }

  private double taskRequestsPerUser(int task) {
    return plannedUsers[task] > 0 ? (double) planned[task] / plannedUsers[task] : tasks.get(task).requestsPerUser();
  }

  private double usersPerSec(int task) {
    return rate * tasks.get(task).share() / taskRequestsPerUser(task);
  }

  private double totalUsersPerSec() {
    double sum = 0;
    for (int i = 0; i < tasks.size(); i++) {
      sum += usersPerSec(i);
    }
    return sum;
  }

  private void startStep(long now) {
    phase = Phase.WARMUP;
    stepStart = now;
    phaseStart = now;
    double p50 = medianRecentE2eMs();
    warmupNanos = secondsToNanos(Math.min(MAX_WARMUP_SEC,
        Math.max(MIN_WARMUP_SEC, Double.isNaN(p50) ? 0 : WARMUP_SERVICE_TIMES * p50 / 1000)));
    log.add(closed ? String.format(Locale.ROOT, "llm-gatling: capacity step %d: %s concurrent users",
        steps.size() + 1, fmt(rate)) : String.format(Locale.ROOT,
        "llm-gatling: capacity step %d: offering %s req/s (%s users/s)", steps.size() + 1, fmt(rate),
        fmt(totalUsersPerSec())));
  }

  private void advance(long now) {
    if (phase == Phase.IDLE || phase == Phase.DONE) {
      return;
    }
    if (now - searchStart >= secondsToNanos(settings.budget().toNanos() / 1e9)) {
      if (phase == Phase.JUDGED && windowCompletions.size() >= settings.minRequests()) {
        judgeStep(now); // a full window at the deadline still counts
        if (phase == Phase.DONE) {
          return;
        }
      }
      finish("time budget of " + settings.budget().toSeconds() + " s used");
      return;
    }
    switch (phase) {
      case WARMUP -> {
        if (now - phaseStart >= warmupNanos) {
          phase = Phase.JUDGED;
          phaseStart = now;
          windowAdmittedAtStart += windowAdmitted();
          windowArrivals = 0;
          windowKo = 0;
          windowCompletions.clear();
          judge = new StepJudge(settings.limits());
        }
      }
      case JUDGED -> {
        long elapsed = now - phaseStart;
        boolean enough = windowCompletions.size() >= settings.minRequests()
            && elapsed >= settings.minWindow().toNanos();
        if (enough || elapsed >= settings.maxWindow().toNanos() || clearlyBehind(elapsed)) {
          judgeStep(now);
        }
      }
      case DRAIN -> {
        if (inFlight <= 0 || now - phaseStart >= secondsToNanos(MAX_DRAIN_SEC)) {
          startStep(now);
        }
      }
      default -> {
      }
    }
  }

  private void judgeStep(long now) {
    double seconds = (now - phaseStart) / 1e9;
    List<String> reasons = verdict(seconds);
    double achieved = achievedPerSec(seconds);
    double arrivals = windowArrivals / seconds;
    boolean steady = reasons.isEmpty();
    if (closed) {
      steps.add(new SearchStep(epochMillis.applyAsLong(stepStart), epochMillis.applyAsLong(phaseStart),
          epochMillis.applyAsLong(now), round3(arrivals), round3(admittedPerSec(seconds)), round3(arrivals),
          round3(achieved), windowCompletions.size(), steady, reasons, (int) rate));
    } else {
      steps.add(new SearchStep(epochMillis.applyAsLong(stepStart), epochMillis.applyAsLong(phaseStart),
          epochMillis.applyAsLong(now), round3(rate), round3(totalUsersPerSec()), round3(arrivals), round3(achieved),
          windowCompletions.size(), steady, reasons));
    }
    log.add(String.format(Locale.ROOT, "llm-gatling: capacity step %d (%s %s, %s sent, %s completed per s,"
            + " %d requests): %s", steps.size(), fmt(rate), closed ? "users" : "req/s offered", fmt(arrivals),
        fmt(achieved), windowCompletions.size(), steady ? "held" : "did not hold: " + String.join(", ", reasons)));
    if (steady) {
      lastGood = lastGood == null ? rate : Math.max(lastGood, rate);
    } else {
      firstBad = firstBad == null ? rate : Math.min(firstBad, rate);
      if (lastGood != null && lastGood >= firstBad) {
        // a failure below a rate that held: noise or a server that got slower; trust the failure
        lastGood = steps.stream().filter(SearchStep::steady).mapToDouble(SearchStep::offeredPerSec)
            .filter(r -> r < firstBad).max().stream().boxed().findFirst().orElse(null);
      }
    }
    Double next = nextRate();
    if (next == null) {
      return;
    }
    rate = next;
    if (steady) {
      startStep(now);
    } else {
      phase = Phase.DRAIN;
      phaseStart = now;
      advance(now);
    }
  }

  /**
   * Whether the window already shows an overload no longer window would undo: after {@value #EARLY_VERDICT_SEC} s,
   * a backlog grown by more than 30 % of the requests sent and 10 requests. Judging it at once spares the rest of
   * the window and the drain of a bigger backlog (2 slots x 480 ms offered 8 req/s: a verdict after 2 s instead of
   * 10 s, and 8 s less to drain).
   */
  private boolean clearlyBehind(long elapsedNanos) {
    long growth = windowArrivals - windowCompletions.size();
    return elapsedNanos >= secondsToNanos(EARLY_VERDICT_SEC) && windowCompletions.size() >= MIN_COMPLETIONS_AT_CAP
        && growth > Math.max(10, 0.3 * windowArrivals);
  }

  /** Closed model: users admitted per second over the window (they replace the users that ended). */
  private double admittedPerSec(double seconds) {
    return (windowAdmitted()) / seconds;
  }

  private long windowAdmittedAtStart;

  private long windowAdmitted() {
    long sum = 0;
    for (long a : admitted) {
      sum += a;
    }
    return sum - windowAdmittedAtStart;
  }

  /** The next rate, or null when the search is over (then finished). */
  private Double nextRate() {
    if (closed) {
      return nextUsers();
    }
    if (lastGood != null && firstBad != null) {
      if (firstBad - lastGood <= settings.precision() * firstBad) {
        finish(String.format(Locale.ROOT, "bracket [%s, %s] req/s within %s %%", fmt(lastGood), fmt(firstBad),
            fmt(settings.precision() * 100)));
        return null;
      }
      return (lastGood + firstBad) / 2;
    }
    if (firstBad == null) {
      if (rate >= settings.maxRate()) {
        finish("held at the maximum rate " + fmt(settings.maxRate()) + " req/s (llm.capacity.maxRate)");
        return null;
      }
      return Math.min(settings.maxRate(), rate * GROWTH);
    }
    double lower = rate / GROWTH;
    if (lower < settings.startRate() / 64) {
      finish("no rate held down to " + fmt(rate) + " req/s");
      return null;
    }
    return lower;
  }

  /** Closed model: whole numbers of users, doubling then bisecting down to one user or the precision. */
  private Double nextUsers() {
    String unit = " users";
    if (lastGood != null && firstBad != null) {
      if (firstBad - lastGood <= Math.max(1, settings.precision() * firstBad)) {
        finish("bracket [" + fmt(lastGood) + ", " + fmt(firstBad) + "]" + unit + " within "
            + fmt(settings.precision() * 100) + " % or one user");
        return null;
      }
      return Math.floor((lastGood + firstBad) / 2);
    }
    if (firstBad == null) {
      if (rate >= settings.maxRate()) {
        finish("held at the maximum of " + fmt(settings.maxRate()) + unit + " (llm.capacity.maxRate)");
        return null;
      }
      return Math.min(Math.floor(settings.maxRate()), rate * GROWTH);
    }
    if (rate <= 1) {
      finish("no concurrency held, not even 1 user");
      return null;
    }
    return Math.floor(rate / GROWTH);
  }

  /** Why the judged window does not hold (empty when it holds). */
  private List<String> verdict(double seconds) {
    List<String> reasons = new ArrayList<>();
    int n = windowCompletions.size();
    if (n == 0 || (n < settings.minRequests() && n < MIN_COMPLETIONS_AT_CAP)) {
      reasons.add("no data");
      return reasons;
    }
    // the backlog grew by arrivals − completions over the window: more than 5 % of the arrivals (and more than the
    // 2 requests the window's two edges can make: a request in flight at each edge; a 3 s window at 10 req/s on a
    // server with room to spare saw 32 arrivals and 30 completions, a backlog of 2, and was judged behind) means
    // the server fell behind
    double backlogGrowth = windowArrivals - n;
    // ... or fewer requests completed than offered: a chat user sends its follow-up only once the previous answer
    // came, so a saturated server holds follow-ups back instead of queueing them (2 slots x 480 ms offered 4.5 req/s
    // of chat: 4.4 sent, 4.18 completed, a backlog of 2 requests)
    double offered = rate * seconds;
    // a closed model cannot fall behind its own users: only latency, errors and SLOs judge it
    if (!closed && (backlogGrowth > Math.max((1 - KEEP_UP) * windowArrivals, 2) || n < KEEP_UP * offered)) {
      reasons.add("throughput");
    }
    if (trending()) {
      reasons.add("queue");
    }
    if (!hasErrorSlo && windowKo * 100.0 / n > ERROR_BUDGET_PERCENT) {
      reasons.add("errors");
    }
    reasons.addAll(judge.broken(seconds));
    return reasons;
  }

  /**
   * Completions per second in the window: their count over the window, or over the span between the first and the
   * last completion (n − 1 gaps) when lower. A saturated deterministic server completes at exactly its throughput,
   * but a 10 s window catches 41 or 42 of its completions at 4.17/s; the span does not count the window's edges.
   */
  private double achievedPerSec(double seconds) {
    int n = windowCompletions.size();
    double perWindow = n / seconds;
    if (n < 3) {
      return perWindow;
    }
    double span = (windowCompletions.get(n - 1)[0] - windowCompletions.get(0)[0]) / 1e9;
    return span > 0 ? Math.min(perWindow, (n - 1) / span) : perWindow;
  }

  /** Whether the window's latency grows: second half's median against the first half's. */
  private boolean trending() {
    boolean ttft = windowCompletions.stream().filter(c -> !Double.isNaN(c[2])).allMatch(c -> !Double.isNaN(c[1]));
    int column = ttft ? 1 : 2;
    double[] values = windowCompletions.stream().mapToDouble(c -> c[column]).filter(v -> !Double.isNaN(v)).toArray();
    if (values.length < 4) {
      return false;
    }
    int half = values.length / 2;
    double first = median(Arrays.copyOfRange(values, 0, half));
    double second = median(Arrays.copyOfRange(values, values.length - half, values.length));
    // a growth of half a service time or less is the noise of a busy server; a backlog growing by 5 % of the
    // arrivals over the window adds a few service times between the halves (2 slots x 480 ms at 4.5 req/s: +360 ms)
    double service = medianRecentE2eMs();
    double slack = Math.max(TREND_SLACK_MS, Double.isNaN(service) ? 0 : service / 2);
    return second > first * (1 + TREND_TOLERANCE) && second - first > slack;
  }

  private void finish(String reason) {
    phase = Phase.DONE;
    stopReason = reason;
    log.add("llm-gatling: capacity search done: " + reason + "; stopping the injection");
  }

  private double medianRecentE2eMs() {
    int n = Math.min(recentCount, recentE2e.length);
    return n == 0 ? Double.NaN : median(Arrays.copyOf(recentE2e, n));
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  private static long secondsToNanos(double seconds) {
    return (long) (seconds * 1e9);
  }

  private static double round3(double v) {
    return Math.round(v * 1000) / 1000.0;
  }

  static String fmt(double v) {
    return String.format(Locale.ROOT, "%.3g", v).replaceAll("(\\.\\d*?)0+$", "$1").replaceAll("\\.$", "");
  }

  /** The limits as the search judges them (run-wide SLOs). */
  List<Slo> limits() {
    return settings.limits();
  }
}
