package io.llmgatling.engine.client;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpObject;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/** The two handlers the client installs on every pooled connection. */
final class ChannelHandlers {
  /** The connection's dispatcher (and reuse state), also there once the channel is closed and its pipeline emptied. */
  static final AttributeKey<ExchangeDispatcher> DISPATCHER = AttributeKey.valueOf("llm-gatling.exchange");

  private ChannelHandlers() {
  }

  /**
   * First in the pipeline (before TLS and HTTP decoding): notes when the socket's bytes arrived, so
   * that chunk timestamps do not include the time spent decrypting and parsing them.
   */
  static final class ArrivalStamp extends ChannelInboundHandlerAdapter {
    long lastArrivalNanos;
    /** Reads so far: an exchange compares it with the count at its start to know whether any response byte came. */
    long reads;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      lastArrivalNanos = System.nanoTime();
      reads++;
      ctx.fireChannelRead(msg);
    }
  }

  /**
   * Last in the pipeline: hands the decoded response parts to the exchange currently using the
   * connection. Between exchanges (connection idle in the pool) there is none, and events are dropped.
   */
  static final class ExchangeDispatcher extends ChannelInboundHandlerAdapter {
    final ArrivalStamp stamp;
    Exchange current;
    // the connection's reuse state (see ConnectionReuse), event loop only: requests begun on it, when it went
    // back to the pool (nanoTime of the last response byte), and the limits the server announced
    long requests;
    long idleSinceNanos;
    long idleLimitNanos = ConnectionReuse.NO_LIMIT;
    long maxRequests = ConnectionReuse.NO_LIMIT;
    /** The last Keep-Alive header parsed (servers repeat the same one: parsed once per connection). */
    String keepAliveHeader;
    /** The connection's one timeout timer (see Exchange): pending at watchdogAt (nanoTime), or null. */
    private ScheduledFuture<?> watchdog;
    private long watchdogAt;
    private final Runnable fireWatchdog = this::fireWatchdog;

    ExchangeDispatcher(ArrivalStamp stamp) {
      this.stamp = stamp;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      try {
        Exchange exchange = current;
        if (exchange != null && msg instanceof HttpObject httpObject) {
          exchange.onHttpObject(httpObject, stamp.lastArrivalNanos);
        }
      } finally {
        io.netty.util.ReferenceCountUtil.release(msg);
      }
    }

    /** Takes the limits of a response's Keep-Alive header (null: none) for the connection's next reuse. */
    void keepAlive(String header) {
      if (header == null) {
        idleLimitNanos = ConnectionReuse.NO_LIMIT;
        maxRequests = ConnectionReuse.NO_LIMIT;
        keepAliveHeader = null;
      } else if (!header.equals(keepAliveHeader)) {
        ConnectionReuse.KeepAlive limits = ConnectionReuse.parse(header);
        idleLimitNanos = ConnectionReuse.idleLimitNanos(limits.timeoutNanos());
        maxRequests = limits.max();
        keepAliveHeader = header;
      }
    }

    /** Whether the connection, idle in the pool until {@code now}, may carry another request. */
    boolean reusableAt(long now) {
      return !ConnectionReuse.retireIdle(now - idleSinceNanos, idleLimitNanos)
          && ConnectionReuse.mayCarryAnother(requests, maxRequests);
    }

    /** Makes the watchdog fire no later than {@code at}; a pending earlier one is kept. Event loop only. */
    void armWatchdog(EventLoop loop, long at, long now) {
      if (watchdog != null) {
        if (watchdogAt <= at) {
          return;
        }
        watchdog.cancel(false);
      }
      watchdogAt = at;
      watchdog = loop.schedule(fireWatchdog, Math.max(0, at - now), TimeUnit.NANOSECONDS);
    }

    private void fireWatchdog() {
      watchdog = null;
      Exchange exchange = current;
      if (exchange != null) {
        exchange.onWatchdog(); // re-arms for its next deadline if none expired
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (watchdog != null) {
        watchdog.cancel(false);
        watchdog = null;
      }
      Exchange exchange = current;
      if (exchange != null) {
        exchange.onConnectionClosed();
      }
      ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      Exchange exchange = current;
      if (exchange != null) {
        exchange.onException(cause);
      } else {
        ctx.close(); // an idle pooled connection that broke: never hand it out again
      }
    }
  }
}
