package io.llmgatling.simulator;

import io.llmgatling.simulator.dialect.Prompts;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
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

  /** Told when a request joins (+1) or leaves (−1) a model's queue; called with the lock held. */
  @FunctionalInterface
  public interface QueueListener {
    void changed(ModelSpec spec, int delta);
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

  /**
   * A request's prompt as a model's per-slot prefix cache ({@code prefixCache}) sees it: the text a slot keeps.
   * The scheduler picks the slot when it grants the request, as llama-server does ({@code get_available_slot}):
   * of the idle slots whose reusable prefix is more than half of all the slot keeps, its prompt and its answer
   * ({@code --slot-prompt-similarity} 0.5 of {@code cache_tokens}), the one with the longest; else the least
   * recently used idle slot. With a cache that reuses no answer (a random-weight engine's re-tokenize otherwise)
   * a follow-up turn finds its own slot only when its first turn is more than half of what the slot kept, the
   * answer included: on the real engine a follow-up of a 72-token first turn (kept with a 128-token answer) had the
   * template's 14 tokens cached, one of a 123-token first turn 130; measuring the prefix against the new prompt,
   * the simulator gave every follow-up its first turn. {@link #cachedChars()} is then
   * the prefix that slot already held (its prefill is skipped), and the slot keeps this prompt.
   */
  public static final class CachedPrompt {
    private final String text;
    private final boolean answersReused;
    private final int[] messageEnds;
    private int promptTokens = -1;
    private int slot = -1;
    private int cachedChars;

    /**
     * @param text          the prompt as the slot keeps it
     * @param answersReused whether the slot's kept answer is reused too when the next prompt carries it
     *                      ({@code prefixCache: conversation}); else the reuse stops where the kept prompt ended
     *                      ({@code prompt}: a server whose answers re-tokenize otherwise in the next prompt, as the
     *                      random-weight engine's do), the slot still being chosen on the whole kept text
     */
    public CachedPrompt(String text, boolean answersReused) {
      this(text, answersReused, new int[0]);
    }

    /** @param messageEnds where each chat message of the text ends (none for a completion's prompt) */
    public CachedPrompt(String text, boolean answersReused, int[] messageEnds) {
      this.text = text == null ? "" : text;
      this.answersReused = answersReused;
      this.messageEnds = messageEnds.clone();
    }

    /** Messages the reused prefix holds whole (their template tokens are reused with them). */
    public int cachedMessages() {
      return messagesWithin(cachedChars);
    }

    /** Messages the first {@code chars} characters hold whole. */
    int messagesWithin(int chars) {
      int n = 0;
      while (n < messageEnds.length && messageEnds[n] <= chars) {
        n++;
      }
      return n;
    }

    /**
     * The prompt's tokens as the simulator counts them (text and template), so that the slot's choice weighs
     * prefixes in tokens as llama-server does; unset (-1) it weighs characters.
     */
    public CachedPrompt tokens(int promptTokens) {
      this.promptTokens = promptTokens;
      return this;
    }

    /** Characters of the prompt the granted slot held already (0 before the grant). */
    public int cachedChars() {
      return cachedChars;
    }

    /** The slot it was granted (0-based), -1 before the grant or when the model keeps no slots apart. */
    public int slot() {
      return slot;
    }
  }

  /** llama-server's {@code --slot-prompt-similarity} default: a slot is chosen for a reusable prefix beyond half of
   * what it keeps. */
  static final double SLOT_PROMPT_SIMILARITY = 0.5;

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
    /** Per slot (prefix cache): the text it keeps, whether a request holds it, when it was last given back. */
    String[] slotText;
    int[] slotPrompt;
    /** Per slot: the tokens it keeps (its prompt's and its answer's), -1 when not counted. */
    int[] slotTokens;
    boolean[] slotBusy;
    long[] slotUsed;

    State(ModelSpec spec, long keepAliveNanos) {
      this.spec = spec;
      this.keepAliveNanos = keepAliveNanos;
    }
  }

  private record Pending(Waiter waiter, long arrival, CachedPrompt prompt) {
  }

  private final SimulatorConfig config;
  private final Timer timer;
  private final LongSupplier clock;
  private final Map<String, State> states = new LinkedHashMap<>();
  private final QueueListener queueListener;
  private final ArrayDeque<State> pendingLoads = new ArrayDeque<>();
  private int waiting;

  public SlotScheduler(SimulatorConfig config, Timer timer, LongSupplier clock) {
    this(config, timer, clock, (spec, delta) -> { });
  }

  /**
   * @param queueListener told of every request joining or leaving a queue (the simulator counts the requests in the
   *                      server of a model paced by a {@code decodeTable})
   */
  public SlotScheduler(SimulatorConfig config, Timer timer, LongSupplier clock, QueueListener queueListener) {
    this.queueListener = queueListener;
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
    return submit(spec, arrivalNanos, keepAliveNanos, null, waiter);
  }

  /**
   * Asks for a slot for a prompt the model's prefix cache sees ({@code prompt} non-null): the slot is chosen as
   * llama-server does and the prompt's cached part set before the waiter is called. Give it back with
   * {@link #release(ModelSpec, CachedPrompt, String)}.
   */
  public synchronized Admission submit(ModelSpec spec, long arrivalNanos, Long keepAliveNanos, CachedPrompt prompt,
      Waiter waiter) {
    State s = state(spec);
    long now = clock.getAsLong();
    if (s.phase == Phase.LOADED && hasFreeSlot(s) && s.queue.isEmpty()) {
      applyKeepAlive(s, keepAliveNanos);
      grant(s, waiter, now, 0, prompt);
      return Admission.ACCEPTED;
    }
    boolean triggersLoad = s.phase == Phase.UNLOADED && s.queue.isEmpty();
    if (waiting >= config.maxQueue() && !triggersLoad) {
      // the request that starts a cold load always gets in, else maxQueue 0 could never load a model
      return Admission.QUEUE_FULL;
    }
    applyKeepAlive(s, keepAliveNanos);
    s.queue.add(new Pending(waiter, arrivalNanos, prompt));
    waiting++;
    queueListener.changed(s.spec, +1);
    if (s.phase == Phase.UNLOADED) {
      requestLoad(s);
    }
    return Admission.ACCEPTED;
  }

  /** A granted request is over (finished, failed or abandoned): frees its slot. */
  public synchronized void release(ModelSpec spec) {
    release(spec, null, null);
  }

  /**
   * A granted request with a cached prompt is over: frees its slot, which keeps the prompt, followed by
   * {@code answer} when given (a server whose answers the next turn's prompt carries token for token).
   */
  public synchronized void release(ModelSpec spec, CachedPrompt prompt, String answer) {
    release(spec, prompt, answer, -1);
  }

  /** As {@link #release(ModelSpec, CachedPrompt, String)}, the answer's {@code answerTokens} kept with it. */
  public synchronized void release(ModelSpec spec, CachedPrompt prompt, String answer, int answerTokens) {
    State s = state(spec);
    if (prompt != null && prompt.slot >= 0 && s.slotBusy != null && prompt.slot < s.slotBusy.length) {
      s.slotBusy[prompt.slot] = false;
      s.slotUsed[prompt.slot] = clock.getAsLong();
      if (answer != null && !answer.isEmpty()) {
        s.slotText[prompt.slot] = prompt.text + answer;
        s.slotPrompt[prompt.slot] = prompt.text.length();
        s.slotTokens[prompt.slot] = prompt.promptTokens >= 0 && answerTokens >= 0
            ? prompt.promptTokens + answerTokens : -1;
      }
    }
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

  private void grant(State s, Waiter waiter, long now, long loadNanos, CachedPrompt prompt) {
    s.active++;
    s.lastUsed = now;
    if (prompt != null && config.slots() > 0) {
      takeSlot(s, prompt);
    }
    waiter.granted(now, loadNanos);
  }

  /** The slot llama-server would give the prompt (see {@link CachedPrompt}); it keeps the prompt from now on. */
  private void takeSlot(State s, CachedPrompt prompt) {
    if (s.slotText == null) {
      s.slotText = new String[config.slots()];
      s.slotPrompt = new int[config.slots()];
      s.slotBusy = new boolean[config.slots()];
      s.slotUsed = new long[config.slots()];
      s.slotTokens = new int[config.slots()];
      Arrays.fill(s.slotText, "");
      Arrays.fill(s.slotTokens, -1);
    }
    int best = -1;
    int bestReused = 0;
    int lru = -1;
    for (int i = 0; i < s.slotText.length; i++) {
      if (s.slotBusy[i]) {
        continue;
      }
      // llama-server's get_available_slot: the part of the slot's cache the prompt can reuse over all the slot
      // keeps (its prompt and the tokens it generated), above --slot-prompt-similarity; of those, the longest part
      int reused = reusable(s, i, prompt);
      if (reused > bestReused && similar(s, i, prompt, reused)) {
        best = i;
        bestReused = reused;
      }
      if (lru < 0 || s.slotUsed[i] < s.slotUsed[lru]) {
        lru = i;
      }
    }
    if (lru < 0) {
      return; // more grants than slots cannot happen; be safe
    }
    int slot = best >= 0 ? best : lru;
    prompt.slot = slot;
    prompt.cachedChars = reusable(s, slot, prompt);
    s.slotText[slot] = prompt.text;
    s.slotPrompt[slot] = prompt.text.length();
    s.slotTokens[slot] = prompt.promptTokens;
    s.slotBusy[slot] = true;
  }

  /**
   * Whether the reusable part is above {@code --slot-prompt-similarity} of all the slot keeps: in tokens when both
   * are counted, else in characters. The chat template's tokens weigh in: the real engine found a repeated
   * 3-message prompt of 170 tokens again in the slot keeping it and its 128-token answer (169 cached, 0.57); the
   * simulator counts it 154 tokens, 127 of them template (0.55), where weighed in characters the slot went
   * unchosen (run X: 1 token cached).
   */
  private boolean similar(State s, int slot, CachedPrompt prompt, int reusedChars) {
    if (prompt.promptTokens >= 0 && s.slotTokens[slot] > 0) {
      double tokens = Math.floor(reusedChars / config.charsPerToken())
          + Prompts.templateTokens(prompt.messagesWithin(reusedChars), config.messageTokens());
      return tokens > SLOT_PROMPT_SIMILARITY * s.slotTokens[slot];
    }
    return reusedChars > SLOT_PROMPT_SIMILARITY * s.slotText[slot].length();
  }

  /** Characters of the slot's kept text the prompt reuses: the common prefix, up to the kept prompt's end unless
   * the answers are reused too. */
  private static int reusable(State s, int slot, CachedPrompt prompt) {
    int prefix = commonPrefix(s.slotText[slot], prompt.text);
    return prompt.answersReused ? prefix : Math.min(prefix, s.slotPrompt[slot]);
  }

  static int commonPrefix(String a, String b) {
    int n = Math.min(a.length(), b.length());
    int i = 0;
    while (i < n && a.charAt(i) == b.charAt(i)) {
      i++;
    }
    return i;
  }

  private void drain(State s) {
    if (s.phase != Phase.LOADED) {
      return;
    }
    long now = clock.getAsLong();
    while (!s.queue.isEmpty() && hasFreeSlot(s)) {
      Pending p = s.queue.poll();
      waiting--;
      queueListener.changed(s.spec, -1);
      long load = s.loadedAt > p.arrival ? s.loadedAt - Math.max(p.arrival, s.loadStart) : 0;
      grant(s, p.waiter, now, Math.max(0, load), p.prompt);
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
