package io.llmgatling.engine.client;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpObject;

/** The two handlers the client installs on every pooled connection. */
final class ChannelHandlers {
  private ChannelHandlers() {
  }

  /**
   * First in the pipeline (before TLS and HTTP decoding): notes when the socket's bytes arrived, so
   * that chunk timestamps do not include the time spent decrypting and parsing them.
   */
  static final class ArrivalStamp extends ChannelInboundHandlerAdapter {
    long lastArrivalNanos;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      lastArrivalNanos = System.nanoTime();
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

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
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
