package io.llmgatling.engine.client;

import io.llmgatling.engine.Timeouts;
import io.llmgatling.engine.record.ErrorCause;

/**
 * The client-side limits of one exchange as pure logic over {@link System#nanoTime()} values (in the manner of
 * Gatling's {@code RequestTimeout}): when each limit (first token, total, idle) expires, which one expired first
 * when the connection's watchdog fires, when to wake next, and the failure's wording. The connect limit belongs
 * to the connection's bootstrap (see {@link LlmClient}), not here. No clock and no Netty inside: callers pass the
 * times, so every case is a unit test with plain numbers.
 *
 * <p>One watchdog timer per connection (see {@link ChannelHandlers.ExchangeDispatcher}) instead of one per limit
 * and exchange: it is armed for the earliest deadline (first-token, total, and the earliest time the idle limit
 * could expire), kept when an earlier one is pending (it fires early and re-arms, so the next exchanges on the
 * connection usually schedule nothing), and when it fires the current exchange asks {@link #check} which limit
 * expired and when to wake for the next one.
 */
final class RequestTimeout {
  /** No deadline: a wake-up time that never comes. */
  static final long NONE = Long.MAX_VALUE;

  /** The limit that expired. */
  enum Limit {
    FIRST_TOKEN, TOTAL, IDLE
  }

  /**
   * What the watchdog finds: a limit that expired (then {@code next} is {@link #NONE}), or none and the time to
   * wake next ({@link #NONE}: no limit left to watch).
   */
  record Check(Limit expired, long next) {
    static Check expired(Limit limit) {
      return new Check(limit, NONE);
    }

    static Check wakeAt(long next) {
      return new Check(null, next);
    }
  }

  private final Timeouts timeouts;
  private long firstTokenDeadline = NONE;
  private long totalDeadline = NONE;
  /** The idle limit runs from the response headers on, measured from the last byte. */
  private boolean idleArmed;

  RequestTimeout(Timeouts timeouts) {
    this.timeouts = timeouts;
  }

  /**
   * The request was sent at {@code now}: the first-token and total limits start.
   *
   * @return when to wake first ({@link #NONE}: no limit)
   */
  long start(long now) {
    if (timeouts.firstToken() != null) {
      firstTokenDeadline = now + timeouts.firstToken().toNanos();
    }
    if (timeouts.total() != null) {
      totalDeadline = now + timeouts.total().toNanos();
    }
    // the idle limit starts with the response headers, which come after now: waking at now + idle is
    // never late for it and spares re-arming the watchdog earlier when the headers come
    long next = Math.min(firstTokenDeadline, totalDeadline);
    if (timeouts.idle() != null) {
      next = Math.min(next, now + timeouts.idle().toNanos());
    }
    return next;
  }

  /**
   * The response headers came: idle limit in the style of Netty's IdleStateHandler, it starts with them, and a
   * busy stream costs no timer per chunk (the watchdog compares the last byte's time when it fires).
   *
   * @return when to wake for it ({@link #NONE}: no idle limit)
   */
  long headersArrived(long lastByteNanos) {
    if (timeouts.idle() == null) {
      return NONE;
    }
    idleArmed = true;
    return lastByteNanos + timeouts.idle().toNanos();
  }

  /** The first content token came: the first-token limit is over (the watchdog re-arms for the rest). */
  void firstTokenArrived() {
    firstTokenDeadline = NONE;
  }

  /** The request leaves its connection to be sent once more: every limit restarts with the next write. */
  void reset() {
    firstTokenDeadline = NONE;
    totalDeadline = NONE;
    idleArmed = false;
  }

  /**
   * The watchdog fired at {@code now}.
   *
   * @param lastByteNanos   when the last response byte came (meaningful once the headers came)
   * @param headersReceived whether the response headers came
   */
  Check check(long now, long lastByteNanos, boolean headersReceived) {
    long idleDeadline = idleArmed ? lastByteNanos + timeouts.idle().toNanos() : NONE;
    // of the expired limits, the one that expired first (ties: first-token, total, idle, as the
    // separate timers scheduled in that order would fire)
    long expired = NONE;
    Limit which = null;
    if (firstTokenDeadline <= now) {
      expired = firstTokenDeadline;
      which = Limit.FIRST_TOKEN;
    }
    if (totalDeadline <= now && totalDeadline < expired) {
      expired = totalDeadline;
      which = Limit.TOTAL;
    }
    if (idleDeadline <= now && idleDeadline < expired) {
      which = Limit.IDLE;
    }
    if (which != null) {
      return Check.expired(which);
    }
    long next = Math.min(firstTokenDeadline, totalDeadline);
    if (idleArmed) {
      next = Math.min(next, idleDeadline);
    } else if (timeouts.idle() != null && !headersReceived) {
      next = Math.min(next, now + timeouts.idle().toNanos());
    }
    return Check.wakeAt(next);
  }

  /** The cause of an expired limit: always {@code timeout}. */
  static String cause() {
    return ErrorCause.TIMEOUT;
  }

  /**
   * The record's message for an expired limit.
   *
   * @param stream        whether the request asked for a stream
   * @param now           when it expired
   * @param lastByteNanos when the last response byte came
   * @param contentChunks content chunks read so far
   */
  String message(Limit limit, boolean stream, long now, long lastByteNanos, int contentChunks) {
    return switch (limit) {
      case FIRST_TOKEN -> stream
          ? "no first token within the first-token timeout of " + timeouts.firstToken().toMillis() + " ms"
          : "no complete answer within the first-token timeout of " + timeouts.firstToken().toMillis() + " ms";
      case TOTAL -> "request exceeded the total timeout of " + timeouts.total().toMillis() + " ms";
      case IDLE -> "no data for " + ((now - lastByteNanos) / 1_000_000) + " ms, over the idle timeout of "
          + timeouts.idle().toMillis() + " ms between chunks (after " + contentChunks + " content chunks)";
    };
  }
}
