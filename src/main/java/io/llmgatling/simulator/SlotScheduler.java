package io.llmgatling.simulator;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Who runs when: per model N parallel slots and a FIFO queue, one bound on the requests waiting (all models
 * together; past it the server answers 503), cold loads, a maximum of loaded models with eviction of the
 * least recently used idle one, and {@code keep_alive} expiry. Thread-safe (one lock: calls are per request,
 * never per token). {@link Waiter}s are called with the lock held and must only hand the work over to
 * another thread (e.g. the channel's event loop), never call back in synchronously.
 */
public final class SlotScheduler {

  /** Runs a task after a delay (the simulator's event loops; a manual clock in tests). */
  @FunctionalInterface
  public interface Timer {
    void schedule(Runnable task, long delayNanos);
  }

  /** Told when its request may run. */
  @FunctionalInterface
  public interface Waiter {
    /**
     * @param slotNanos when the slot was granted
     * @param loadNanos the part of the wait spent loading the model for this request (0 if it was loaded)
     */
    void granted(long slotNanos, long loadNanos);
  }

  /** Outcome of {@link #submit}. */
  public enum Admission { ACCEPTED, QUEUE_FULL }

  /** A loaded (or loading) model as /api/ps and /api/v0/models show it. */
  public record LoadedModel(ModelSpec spec, boolean loading, long loadedAtNanos, long expiresAtNanos, int active,
      int queued) {
  }

  private enum Phase { UNLOADED, LOADING, LOADED }

  private static final class State {
    final ModelSpec spec;
    final ArrayDeque<Pending> queue = new ArrayDeque<>();
    Phase phase = Phase.UNLOADED;
    int active;
    long loadStart;
    long loadedAt;
    long lastUsed;
    long keepAliveNanos;
    long expiresAt = -1;
    /** Bumped to cancel a pending expiry. */
    int epoch;
    /** Bumped to cancel a pending load (the model was unloaded meanwhile). */
    int loadEpoch;

    State(ModelSpec spec, long keepAliveNanos) {
      this.spec = spec;
      this.keepAliveNanos = keepAliveNanos;
    }
  }

  private record Pending(Waiter waiter, long arrival) {
  }

  private final SimulatorConfig config;
  private final Timer timer;
  private final LongSupplier clock;
  private final Map<String, State> states = new LinkedHashMap<>();
  private final ArrayDeque<State> pendingLoads = new ArrayDeque<>();
  private int waiting;

  public SlotScheduler(SimulatorConfig config, Timer timer, LongSupplier clock) {
    this.config = config;
    this.timer = timer;
    this.clock = clock;
    long now = clock.getAsLong();
    long keepAlive = config.keepAliveMs() < 0 ? -1 : config.keepAliveMs() * 1_000_000L;
    for (ModelSpec m : config.models()) {
      State s = new State(m, keepAlive);
      if (config.preloadModels()) {
        s.phase = Phase.LOADED;
        s.loadedAt = now;
        s.lastUsed = now;
        s.keepAliveNanos = -1;
      }
      states.put(m.name(), s);
    }
  }

  /**
   * Asks for a slot on a model. The waiter is called (maybe at once) when the slot is granted.
   *
   * @param keepAliveNanos this request's keep_alive (null: keep the model's current one; negative: forever)
   * @return {@link Admission#QUEUE_FULL} when the request would have to wait and the queue is full
   */
  public synchronized Admission submit(ModelSpec spec, long arrivalNanos, Long keepAliveNanos, Waiter waiter) {
    State s = state(spec);
    long now = clock.getAsLong();
    if (s.phase == Phase.LOADED && hasFreeSlot(s) && s.queue.isEmpty()) {
      applyKeepAlive(s, keepAliveNanos);
      grant(s, waiter, now, 0);
      return Admission.ACCEPTED;
    }
    boolean triggersLoad = s.phase == Phase.UNLOADED && s.queue.isEmpty();
    if (waiting >= config.maxQueue() && !triggersLoad) {
      // the request that starts a cold load always gets in, else maxQueue 0 could never load a model
      return Admission.QUEUE_FULL;
    }
    applyKeepAlive(s, keepAliveNanos);
    s.queue.add(new Pending(waiter, arrivalNanos));
    waiting++;
    if (s.phase == Phase.UNLOADED) {
      requestLoad(s);
    }
    return Admission.ACCEPTED;
  }

  /** A granted request is over (finished, failed or abandoned): frees its slot. */
  public synchronized void release(ModelSpec spec) {
    State s = state(spec);
    s.active--;
    s.lastUsed = clock.getAsLong();
    drain(s);
    if (isIdle(s)) {
      if (!pendingLoads.isEmpty()) {
        // another model waits for room: this idle one makes it
        unload(s);
        startLoad(pendingLoads.poll());
      } else {
        scheduleExpiry(s);
      }
    }
  }

  /** Models currently loaded or loading, in config order. */
  public synchronized List<LoadedModel> loaded() {
    List<LoadedModel> out = new ArrayList<>();
    for (State s : states.values()) {
      if (s.phase != Phase.UNLOADED) {
        out.add(new LoadedModel(s.spec, s.phase == Phase.LOADING, s.loadedAt, s.expiresAt, s.active, s.queue.size()));
      }
    }
    return out;
  }

  /** Whether a model is loaded (not loading). */
  public synchronized boolean isLoaded(ModelSpec spec) {
    return state(spec).phase == Phase.LOADED;
  }

  /** Requests waiting for a slot, all models together. */
  public synchronized int waiting() {
    return waiting;
  }

  private State state(ModelSpec spec) {
    State s = states.get(spec.name());
    if (s == null) {
      throw new IllegalArgumentException("unknown model " + spec.name());
    }
    return s;
  }

  private void applyKeepAlive(State s, Long keepAliveNanos) {
    if (keepAliveNanos != null && !config.preloadModels()) {
      s.keepAliveNanos = keepAliveNanos < 0 ? -1 : keepAliveNanos;
    }
    // in use: no expiry until it is idle again
    s.expiresAt = -1;
    s.epoch++;
  }

  private boolean hasFreeSlot(State s) {
    return config.slots() <= 0 || s.active < config.slots();
  }

  private static boolean isIdle(State s) {
    return s.phase == Phase.LOADED && s.active == 0 && s.queue.isEmpty();
  }

  private void grant(State s, Waiter waiter, long now, long loadNanos) {
    s.active++;
    s.lastUsed = now;
    waiter.granted(now, loadNanos);
  }

  private void drain(State s) {
    if (s.phase != Phase.LOADED) {
      return;
    }
    long now = clock.getAsLong();
    while (!s.queue.isEmpty() && hasFreeSlot(s)) {
      Pending p = s.queue.poll();
      waiting--;
      long load = s.loadedAt > p.arrival ? s.loadedAt - Math.max(p.arrival, s.loadStart) : 0;
      grant(s, p.waiter, now, Math.max(0, load));
    }
  }

  private void requestLoad(State s) {
    if (s.phase != Phase.UNLOADED || pendingLoads.contains(s)) {
      return;
    }
    if (loadedCount() >= config.maxLoadedModels()) {
      State victim = leastRecentlyUsedIdle();
      if (victim == null) {
        pendingLoads.add(s);
        return;
      }
      unload(victim);
    }
    startLoad(s);
  }

  private void startLoad(State s) {
    s.phase = Phase.LOADING;
    s.loadStart = clock.getAsLong();
    int epoch = ++s.loadEpoch;
    timer.schedule(() -> loaded(s, epoch), config.loadNanos(s.spec));
  }

  private synchronized void loaded(State s, int epoch) {
    if (s.phase != Phase.LOADING || s.loadEpoch != epoch) {
      return;
    }
    long now = clock.getAsLong();
    s.phase = Phase.LOADED;
    s.loadedAt = now;
    s.lastUsed = now;
    drain(s);
    if (isIdle(s)) {
      scheduleExpiry(s);
    }
  }

  private void scheduleExpiry(State s) {
    long keepAlive = s.keepAliveNanos;
    if (keepAlive < 0) {
      s.expiresAt = -1;
      return;
    }
    if (keepAlive == 0) {
      unload(s);
      return;
    }
    long now = clock.getAsLong();
    s.expiresAt = now + keepAlive;
    int epoch = ++s.epoch;
    timer.schedule(() -> expire(s, epoch), keepAlive);
  }

  private synchronized void expire(State s, int epoch) {
    if (s.epoch != epoch || !isIdle(s)) {
      return;
    }
    unload(s);
    if (!pendingLoads.isEmpty()) {
      startLoad(pendingLoads.poll());
    }
  }

  private void unload(State s) {
    s.phase = Phase.UNLOADED;
    s.expiresAt = -1;
    s.epoch++;
    s.loadEpoch++;
  }

  private int loadedCount() {
    int n = 0;
    for (State s : states.values()) {
      if (s.phase != Phase.UNLOADED) {
        n++;
      }
    }
    return n;
  }

  private State leastRecentlyUsedIdle() {
    State best = null;
    for (State s : states.values()) {
      if (isIdle(s) && (best == null || s.lastUsed < best.lastUsed)) {
        best = s;
      }
    }
    return best;
  }
}
