package io.llmgatling.engine.client;

import java.util.concurrent.TimeUnit;

/**
 * When a kept-alive connection may carry another request, and when a request that failed on one is sent
 * again: pure decisions, no sockets (the per-connection state lives in {@link ChannelHandlers.ExchangeDispatcher}).
 *
 * <p>Why it matters: llama-server (cpp-httplib) answers {@code Keep-Alive: timeout=5, max=100} and closes a
 * connection after 5 s idle; Node's HTTP server (LM Studio) closes after 5 s idle and answers
 * {@code Keep-Alive: timeout=5}. Measured against llama-server at 3-4 users/s, a request sent on a pooled
 * connection 1-4 ms after the server's FIN got a reset: 2.6-4.5 % of the requests ended as
 * {@code stream_dropped} that the server never saw.
 */
final class ConnectionReuse {
  /** No limit announced (no Keep-Alive header, or no such parameter). */
  static final long NO_LIMIT = -1;

  /**
   * Safety margin before the server's idle limit, at most 1 s and at most half the limit (5 s → retire
   * after 4 s idle; 1 s → after 0.5 s). It must cover: the server's idle clock starting when it wrote the
   * last response byte, earlier than our reading it (one-way latency plus our decoding); the time between
   * the pool's check and the request reaching the server (event-loop queueing under load, one-way latency,
   * a GC pause); servers whose timers fire a little early. A server announces whole seconds rounded down
   * (Node floors its milliseconds), so the announced limit is never later than the real one. Reconnecting
   * costs a TCP handshake (a loopback connect measured 0.07 ms median, 0.11 ms p90, on the shared 2-core
   * machine; one round trip on a LAN), so retiring a connection 1 s early costs nothing measurable, while
   * reusing it 1 ms late costs a lost request.
   */
  static final long MAX_MARGIN_NANOS = TimeUnit.SECONDS.toNanos(1);

  /**
   * A reused connection that closes before any response byte is resent only when the close comes within
   * this time of the request's last byte being written. A connection the server had already closed while
   * idle fails within one round trip of the write (its kernel answers the request's bytes with a reset; against
   * llama-server the request had gone out 1-4 ms after the server's FIN); 1 s covers the round trip of any
   * network a load test runs across. A server that read the request, worked on it for longer and then dropped
   * the connection did see it: that stays a KO.
   */
  static final long STALE_CLOSE_WINDOW_NANOS = TimeUnit.SECONDS.toNanos(1);

  private ConnectionReuse() {
  }

  /**
   * What a {@code Keep-Alive} response header announces: {@code timeout} (seconds, fractions accepted) and
   * {@code max} (requests on the connection), each {@link #NO_LIMIT} when absent or unreadable.
   */
  record KeepAlive(long timeoutNanos, long max) {
    static final KeepAlive NONE = new KeepAlive(NO_LIMIT, NO_LIMIT);
  }

  /**
   * Parses {@code timeout=5, max=100} (parameters in any order and case, spaces and quotes tolerated,
   * unknown ones ignored). Null or empty gives {@link KeepAlive#NONE}.
   */
  static KeepAlive parse(CharSequence header) {
    if (header == null || header.length() == 0) {
      return KeepAlive.NONE;
    }
    long timeout = NO_LIMIT;
    long max = NO_LIMIT;
    for (String part : header.toString().split("[,;]")) {
      int eq = part.indexOf('=');
      if (eq < 0) {
        continue;
      }
      String name = part.substring(0, eq).trim();
      String value = part.substring(eq + 1).trim();
      if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
        value = value.substring(1, value.length() - 1).trim();
      }
      try {
        if (name.equalsIgnoreCase("timeout")) {
          double seconds = Double.parseDouble(value);
          if (seconds >= 0 && Double.isFinite(seconds)) {
            timeout = (long) (seconds * 1e9);
          }
        } else if (name.equalsIgnoreCase("max")) {
          long m = Long.parseLong(value);
          if (m >= 0) {
            max = m;
          }
        }
      } catch (NumberFormatException unreadable) {
        // an unreadable parameter announces nothing
      }
    }
    return new KeepAlive(timeout, max);
  }

  /**
   * How long a connection may stay idle in the pool before it is retired, for a server idle limit
   * (nanoseconds; {@link #NO_LIMIT} = none announced, kept as long as the server keeps it).
   * 0 means: never reuse after the response (e.g. {@code timeout=0}).
   */
  static long idleLimitNanos(long serverTimeoutNanos) {
    if (serverTimeoutNanos < 0) {
      return NO_LIMIT;
    }
    return serverTimeoutNanos - Math.min(MAX_MARGIN_NANOS, serverTimeoutNanos / 2);
  }

  /** Whether a pooled connection idle for {@code idleNanos} must be retired instead of reused. */
  static boolean retireIdle(long idleNanos, long idleLimitNanos) {
    return idleLimitNanos >= 0 && idleNanos >= idleLimitNanos;
  }

  /**
   * Whether a connection that has carried {@code requests} requests may carry another one under the
   * server's {@code max}. llama-server (cpp-httplib) and Node send the same {@code max} on every response
   * and close after that many requests; older servers (Apache) count it down as the requests left. Reading
   * it as the total per connection is right for the first and early (never late) for the second.
   */
  static boolean mayCarryAnother(long requests, long max) {
    return max < 0 || requests < max;
  }

  /**
   * Whether a request whose connection failed is sent once more on a new connection: only when the
   * connection was a reused one (it may have been closed by the server while idle, the request then never
   * reached it), no response byte came, the request was not resent already, and the failure came within
   * {@link #STALE_CLOSE_WINDOW_NANOS} of the write (or during it: {@code sinceSentNanos} &lt; 0).
   */
  static boolean resendOnNewConnection(boolean reused, boolean alreadyResent, boolean responseByteSeen,
      long sinceSentNanos) {
    return reused && !alreadyResent && !responseByteSeen && sinceSentNanos <= STALE_CLOSE_WINDOW_NANOS;
  }
}
