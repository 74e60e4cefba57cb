package io.llmgatling.engine.client;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A scripted HTTP/1.1 server for client tests: each request is answered by a {@link Script} of steps
 * (headers, chunks, pauses, end, abrupt close), run on the server's event loop. It records what it
 * received, how many connections it accepted and when it wrote each chunk ({@link System#nanoTime()}).
 */
final class StubLlmServer implements AutoCloseable {

  /**
   * What the server received; {@code onConnection} = the request's rank on its connection (1 = the first one
   * on a new connection).
   */
  record Received(String path, HttpHeaders headers, String body, long arrivalNanos, int onConnection) {
    String requestId() {
      return headers.get("X-Request-Id");
    }
  }

  /** Steps answering one request. */
  static final class Script {
    private final List<Object> steps = new ArrayList<>();
    private final Map<String, String> headers = new java.util.LinkedHashMap<>();
    private HttpVersion version = HttpVersion.HTTP_1_1;

    /** Closes the connection as soon as the request has arrived, before any response byte. */
    static Script closeAtOnce() {
      return new Script().closeConnection();
    }

    /** Resets the connection (RST: SO_LINGER 0) as soon as the request has arrived, before any response byte. */
    static Script resetAtOnce() {
      Script s = new Script();
      s.steps.add(End.RESET);
      return s;
    }

    /** An extra response header (e.g. Keep-Alive, Connection). */
    Script header(String name, String value) {
      headers.put(name, value);
      return this;
    }

    /** Answers with this HTTP version (the status line's). */
    Script version(HttpVersion v) {
      version = v;
      return this;
    }

    static Script stream(String contentType) {
      return new Script().headers(200, contentType);
    }

    static Script full(int status, String contentType, String body) {
      return new Script().headers(status, contentType, body);
    }

    Script headers(int status, String contentType) {
      steps.add(new Headers(status, contentType, null));
      return this;
    }

    Script headers(int status, String contentType, String fullBody) {
      steps.add(new Headers(status, contentType, fullBody));
      return this;
    }

    Script chunk(String text) {
      steps.add(text);
      return this;
    }

    Script pause(long millis) {
      steps.add(millis);
      return this;
    }

    Script end() {
      steps.add(End.END);
      return this;
    }

    Script closeConnection() {
      steps.add(End.CLOSE);
      return this;
    }
  }

  private record Headers(int status, String contentType, String fullBody) {
  }

  private enum End { END, CLOSE, RESET }

  private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final Channel serverChannel;
  private final Function<Received, Script> router;
  final List<Received> received = new CopyOnWriteArrayList<>();
  final AtomicInteger connections = new AtomicInteger();
  final AtomicInteger closedConnections = new AtomicInteger();
  /** Chunk write times by X-Request-Id. */
  final Map<String, List<Long>> chunkNanos = new ConcurrentHashMap<>();

  StubLlmServer(Function<Received, Script> router) throws InterruptedException {
    this.router = router;
    this.serverChannel = new ServerBootstrap()
        .group(group)
        .channel(NioServerSocketChannel.class)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            connections.incrementAndGet();
            ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(1 << 20), new Handler());
            ch.closeFuture().addListener(f -> closedConnections.incrementAndGet());
          }
        })
        .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
  }

  int port() {
    return ((InetSocketAddress) serverChannel.localAddress()).getPort();
  }

  URI baseUrl() {
    return URI.create("http://127.0.0.1:" + port());
  }

  @Override
  public void close() {
    serverChannel.close().syncUninterruptibly();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private int requestsOnConnection;

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
      Received r = new Received(request.uri(), request.headers().copy(),
          request.content().toString(StandardCharsets.UTF_8), System.nanoTime(), ++requestsOnConnection);
      received.add(r);
      Script script = router.apply(r);
      run(ctx, script, 0, r.requestId());
    }

    private void run(ChannelHandlerContext ctx, Script script, int index, String requestId) {
      List<Object> steps = script.steps;
      for (int i = index; i < steps.size(); i++) {
        Object step = steps.get(i);
        if (step instanceof Long millis) {
          int next = i + 1;
          ctx.executor().schedule(() -> run(ctx, script, next, requestId), millis, TimeUnit.MILLISECONDS);
          return;
        }
        if (step instanceof Headers h) {
          DefaultHttpResponse response =
              new DefaultHttpResponse(script.version, HttpResponseStatus.valueOf(h.status()));
          response.headers().set(HttpHeaderNames.CONTENT_TYPE, h.contentType());
          script.headers.forEach((name, value) -> response.headers().set(name, value));
          if (h.fullBody() != null) {
            byte[] body = h.fullBody().getBytes(StandardCharsets.UTF_8);
            response.headers().set(HttpHeaderNames.CONTENT_LENGTH, body.length);
            ctx.write(response);
            ctx.writeAndFlush(new io.netty.handler.codec.http.DefaultLastHttpContent(Unpooled.wrappedBuffer(body)));
          } else {
            response.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
            ctx.writeAndFlush(response);
          }
        } else if (step instanceof String text) {
          chunkNanos.computeIfAbsent(requestId, k -> new CopyOnWriteArrayList<>()).add(System.nanoTime());
          ctx.writeAndFlush(new DefaultHttpContent(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8)));
        } else if (step == End.END) {
          ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
        } else if (step == End.CLOSE) {
          ctx.close();
          return;
        } else if (step == End.RESET) {
          ctx.channel().config().setOption(io.netty.channel.ChannelOption.SO_LINGER, 0);
          ctx.close();
          return;
        }
      }
    }
  }
}
