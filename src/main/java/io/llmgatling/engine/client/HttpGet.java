package io.llmgatling.engine.client;

import io.llmgatling.engine.BaseUrl;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One GET on a fresh connection, outside the pool: the questions asked before any load (version, model list).
 * It runs on the client's event loops with the client's TLS settings (so {@code insecureTls} means the same thing
 * for the pre-flight as for the load: any certificate, any host name), and always closes its connection.
 */
final class HttpGet {
  /** Model lists are small; a body past this is not the server we think it is. */
  private static final int MAX_BODY_BYTES = 16 * 1024 * 1024;

  private HttpGet() {
  }

  static CompletableFuture<LlmClient.GetResponse> send(EventLoopGroup group, Class<? extends SocketChannel> channelType,
      SslContext ssl, URI url, String apiKey, Duration connectTimeout, Duration timeout) {
    CompletableFuture<LlmClient.GetResponse> done = new CompletableFuture<>();
    boolean tls = "https".equalsIgnoreCase(url.getScheme());
    String host = url.getHost();
    int port = url.getPort() > 0 ? url.getPort() : tls ? 443 : 80;
    Bootstrap bootstrap = new Bootstrap().group(group).channel(channelType)
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis()))
        .remoteAddress(InetSocketAddress.createUnresolved(host, port))
        .handler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            if (tls) {
              SslHandler sslHandler = ssl.newHandler(ch.alloc(), host, port);
              sslHandler.setHandshakeTimeoutMillis(connectTimeout.toMillis());
              ch.pipeline().addLast("tls", sslHandler);
            }
            ch.pipeline().addLast("http", new HttpClientCodec());
            ch.pipeline().addLast("aggregate", new HttpObjectAggregator(MAX_BODY_BYTES));
            ch.pipeline().addLast("answer", new SimpleChannelInboundHandler<FullHttpResponse>() {
              @Override
              protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
                if (response.decoderResult().isFailure()) {
                  done.completeExceptionally(new IOException("invalid HTTP response: "
                      + Exchange.describe(response.decoderResult().cause())));
                } else {
                  done.complete(new LlmClient.GetResponse(response.status().code(),
                      response.content().toString(StandardCharsets.UTF_8)));
                }
                ctx.close();
              }

              @Override
              public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                done.completeExceptionally(cause);
                ctx.close();
              }

              @Override
              public void channelInactive(ChannelHandlerContext ctx) {
                done.completeExceptionally(new IOException("connection closed before a complete response"));
                ctx.fireChannelInactive();
              }
            });
          }
        });
    ChannelFuture connect = bootstrap.connect();
    connect.addListener(connected -> {
      if (!connected.isSuccess()) {
        done.completeExceptionally(connected.cause());
        return;
      }
      Channel ch = connect.channel();
      String path = (url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath());
      DefaultFullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, path);
      request.headers().set(HttpHeaderNames.HOST, host + (url.getPort() > 0 ? ":" + url.getPort() : ""))
          .set(HttpHeaderNames.ACCEPT, HttpHeaderValues.APPLICATION_JSON)
          .set(HttpHeaderNames.USER_AGENT, "llm-gatling")
          .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      if (apiKey != null && !apiKey.isEmpty()) {
        request.headers().set(HttpHeaderNames.AUTHORIZATION, "Bearer " + apiKey);
      }
      ch.writeAndFlush(request).addListener(written -> {
        if (!written.isSuccess()) {
          done.completeExceptionally(written.cause());
          ch.close();
        }
      });
      // the TLS handshake (when any) runs before the write goes out; its failure reaches exceptionCaught
      ch.eventLoop().schedule(() -> {
        if (done.completeExceptionally(new TimeoutException("no answer from " + BaseUrl.mask(url) + " within "
            + timeout.toMillis() + " ms"))) {
          ch.close();
        }
      }, timeout.toMillis(), TimeUnit.MILLISECONDS);
      done.whenComplete((r, e) -> ch.close());
    });
    return done;
  }
}
