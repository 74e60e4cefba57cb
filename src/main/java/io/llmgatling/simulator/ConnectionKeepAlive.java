package io.llmgatling.simulator;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A server's keep-alive limits on one connection ({@code keepAliveTimeoutMs}, {@code keepAliveMax}), played the
 * way llama-server (cpp-httplib) and Node's HTTP server do: every answer announces
 * {@code Keep-Alive: timeout=<s>[, max=<m>]}; the max-th answer says {@code Connection: close} and the connection
 * is closed once it is written; a connection left idle for the timeout after an answer ends is closed (FIN),
 * whatever the client is about to send. Sits right after the HTTP codec: it sees the decoded request heads and
 * every response head and end (token chunks are written past the codec and do not come through here).
 */
final class ConnectionKeepAlive extends ChannelDuplexHandler {
  private final long timeoutMs;
  private final int max;
  private final String header;
  private int responses;
  private boolean busy;
  private boolean closeAfterResponse;
  private ScheduledFuture<?> idleClose;

  ConnectionKeepAlive(SimulatorConfig config) {
    this.timeoutMs = config.keepAliveTimeoutMs();
    this.max = config.keepAliveMax();
    this.header = config.keepAliveHeader() ? headerValue(timeoutMs, max) : null;
  }

  /** Whether the config asks for any keep-alive limit (else the handler is not installed). */
  static boolean wanted(SimulatorConfig config) {
    return config.keepAliveTimeoutMs() > 0 || config.keepAliveMax() > 0;
  }

  /** {@code timeout=5, max=100}: whole seconds rounded down (as Node writes them); parts without a limit left out. */
  static String headerValue(long timeoutMs, int max) {
    StringBuilder value = new StringBuilder();
    if (timeoutMs > 0) {
      value.append("timeout=").append(timeoutMs / 1000);
    }
    if (max > 0) {
      value.append(value.length() > 0 ? ", " : "").append("max=").append(max);
    }
    return value.toString();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof HttpRequest) {
      busy = true;
      cancelIdleClose();
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (msg instanceof HttpResponse response) {
      HttpHeaders headers = response.headers();
      responses++;
      if (headers.containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE, true)) {
        closeAfterResponse = true; // the request asked for it: the writer closes the connection itself
      } else if (max > 0 && responses >= max) {
        headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        closeAfterResponse = true;
      } else if (header != null && !header.isEmpty()) {
        headers.set(HttpHeaderNames.KEEP_ALIVE, header);
      }
    }
    if (msg instanceof LastHttpContent) {
      busy = false;
      if (closeAfterResponse) {
        ChannelPromise closing = promise.unvoid();
        ctx.write(msg, closing);
        closing.addListener(ChannelFutureListener.CLOSE);
        return;
      }
      if (timeoutMs > 0) {
        // the idle clock starts when the answer's end is handed to the socket, as cpp-httplib's wait for the
        // next request starts when its write returns
        idleClose = ctx.executor().schedule(() -> {
          idleClose = null;
          if (!busy) {
            ctx.close();
          }
        }, timeoutMs, TimeUnit.MILLISECONDS);
      }
    }
    ctx.write(msg, promise);
  }

  private void cancelIdleClose() {
    if (idleClose != null) {
      idleClose.cancel(false);
      idleClose = null;
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    cancelIdleClose();
    super.channelInactive(ctx);
  }
}
