package io.llmgatling.engine.client;

import io.llmgatling.engine.BaseUrl;
import io.llmgatling.engine.LlmRequest;
import io.llmgatling.engine.LlmResult;
import io.llmgatling.engine.dialect.Dialect;
import io.llmgatling.engine.record.ErrorCause;
import io.llmgatling.engine.record.RequestIds;
import io.llmgatling.json.Json;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.pool.AbstractChannelPoolHandler;
import io.netty.channel.pool.ChannelHealthChecker;
import io.netty.channel.pool.SimpleChannelPool;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.util.concurrent.Promise;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.net.ssl.SSLException;

/**
 * Non-blocking streaming HTTP/1.1 client for LLM servers, on Netty.
 *
 * <p>Each request gets its own connection for its whole duration (HTTP/1.1 cannot interleave
 * streams), taken from an unbounded keep-alive pool per host; a connection goes back to the pool only
 * after a complete, successful or cleanly-ended error response, and is closed after any failure. The server's
 * {@code Connection: close} and {@code Keep-Alive: timeout=N, max=M} are honoured (an idle connection is retired
 * before the server's limit), and a request whose reused connection closes before any response byte is sent once
 * more on a new connection ({@code retried}); see {@link ConnectionReuse}.
 * Every request carries {@code X-Request-Id: <record id>} and, when the request has an API key,
 * {@code Authorization: Bearer <key>} (the key appears nowhere else).
 *
 * <p>Timing, all with {@link System#nanoTime()}: <b>sent</b> is when the request's write completed
 * (the last byte handed to the kernel; for a new connection this is after connect and TLS, which
 * therefore count as client delay, not TTFT); every response timestamp is taken when the socket's
 * bytes are read, before TLS and HTTP decoding. Timeouts (connect, first token, idle, total) are
 * event-loop scheduled tasks. See {@link io.llmgatling.engine.record.RequestRecord} for the figures.
 */
public final class LlmClient implements AutoCloseable {
  private final ClientOptions options;
  private final EventLoopGroup group;
  private final boolean ownsGroup;
  private final Class<? extends SocketChannel> channelType;
  private final ConcurrentHashMap<PoolKey, Pool> pools = new ConcurrentHashMap<>();
  private final ChannelGroup openChannels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private volatile SslContext sslContext;
  private volatile boolean closed;

  /** One pool per server and connect timeout (the timeout is a property of the pool's bootstrap). */
  private record PoolKey(boolean tls, String host, int port, long connectTimeoutMs) {
  }

  public LlmClient(ClientOptions options) {
    this.options = options == null ? ClientOptions.defaults() : options;
    if (this.options.eventLoopGroup() != null) {
      this.group = this.options.eventLoopGroup();
      this.ownsGroup = false;
      this.channelType = channelTypeFor(group);
    } else if (Epoll.isAvailable()) {
      this.group = new MultiThreadIoEventLoopGroup(EpollIoHandler.newFactory());
      this.ownsGroup = true;
      this.channelType = EpollSocketChannel.class;
    } else {
      this.group = new MultiThreadIoEventLoopGroup(NioIoHandler.newFactory());
      this.ownsGroup = true;
      this.channelType = NioSocketChannel.class;
    }
  }

  /** The socket channel matching a caller's event loops (Gatling's are epoll, io_uring or NIO). */
  @SuppressWarnings("unchecked")
  private static Class<? extends SocketChannel> channelTypeFor(EventLoopGroup group) {
    EventLoop loop = group.next();
    if (loop instanceof IoEventLoop ioLoop) {
      if (Epoll.isAvailable() && ioLoop.isIoType(EpollIoHandler.class)) {
        return EpollSocketChannel.class;
      }
      try {
        // by name: io_uring classes are only on the runtime classpath (through Gatling)
        Class<?> uringHandler = Class.forName("io.netty.channel.uring.IoUringIoHandler");
        if (ioLoop.isIoType((Class<? extends io.netty.channel.IoHandler>) uringHandler)) {
          return (Class<? extends SocketChannel>) Class.forName("io.netty.channel.uring.IoUringSocketChannel");
        }
      } catch (ClassNotFoundException | LinkageError notThere) {
        // no io_uring on the classpath: the loops cannot be io_uring ones either
      }
    }
    return NioSocketChannel.class;
  }

  /** The event loops this client runs on. */
  public EventLoopGroup eventLoopGroup() {
    return group;
  }

  /**
   * Sends the request. Calls {@code onDone} exactly once, on a Netty event-loop thread; never throws,
   * never blocks.
   *
   * @param request       the request
   * @param intendedNanos {@link System#nanoTime()} at which the request was meant to start (for
   *                      {@code clientDelayMs})
   * @param onDone        receives the result, successful or not
   */
  public void send(LlmRequest request, long intendedNanos, Consumer<LlmResult> onDone) {
    long id = RequestIds.next();
    Exchange exchange;
    PoolKey key;
    try {
      URI base = request.baseUrl();
      String scheme = base.getScheme() == null ? "" : base.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("http") && !scheme.equals("https")) {
        throw new IllegalArgumentException("base URL must be http:// or https://, got " + BaseUrl.mask(base));
      }
      if (base.getHost() == null) {
        throw new IllegalArgumentException("base URL has no host: " + BaseUrl.mask(base));
      }
      boolean tls = scheme.equals("https");
      int port = base.getPort() > 0 ? base.getPort() : tls ? 443 : 80;
      Dialect dialect = request.api();
      String path = joinPath(base.getRawPath(), dialect.path(request));
      String root = scheme + "://" + base.getHost() + (base.getPort() > 0 ? ":" + base.getPort() : "");
      String hostHeader = base.getHost() + (base.getPort() > 0 ? ":" + base.getPort() : "");
      ObjectNode json = dialect.body(request);
      if (request.think() != null) {
        dialect.think(json, request.think(), request);
      }
      byte[] body = Json.MAPPER.writeValueAsBytes(json);
      exchange = new Exchange(id, request, intendedNanos, onDone, new AnswerReader(dialect, request), path, root + path, hostHeader,
          body, options.maxResponseBytes());
      key = new PoolKey(tls, base.getHost(), port, request.timeouts().connect() == null
          ? 0 : request.timeouts().connect().toMillis());
    } catch (Exception e) {
      // a request that cannot even be built is reported like any failure, never thrown at the caller
      Exchange broken = new Exchange(id, request, intendedNanos, onDone,
          new AnswerReader(request.api(), request), "",
          BaseUrl.mask(request.baseUrl()), "", new byte[0], options.maxResponseBytes());
      group.next().execute(() -> broken.failWithoutConnection(ErrorCause.MALFORMED,
          "cannot build the request: " + Exchange.describe(e)));
      return;
    }
    if (closed) {
      group.next().execute(() -> exchange.failWithoutConnection(ErrorCause.CONNECT, "client is closed"));
      return;
    }
    Pool pool;
    try {
      pool = pools.computeIfAbsent(key, this::newPool);
    } catch (RuntimeException e) {
      group.next().execute(() -> exchange.failWithoutConnection(ErrorCause.CONNECT,
          "cannot connect to " + exchange.url() + ": " + Exchange.describe(e)));
      return;
    }
    // on the caller's own event loop when it runs on one of ours (a virtual user, or a request sent from
    // another's onDone): with the LIFO pool handing back a connection of that loop, the request is written
    // without any thread hop (each hop costs a wake-up of the other loop: an eventfd write and an epoll return)
    Promise<Channel> acquired = currentOrNextLoop().newPromise();
    pool.acquire(acquired).addListener(future -> onAcquired(future, exchange, pool, key));
  }

  private void onAcquired(io.netty.util.concurrent.Future<?> future, Exchange exchange, Pool pool, PoolKey key) {
    if (!future.isSuccess()) {
      exchange.failWithoutConnection(ErrorCause.CONNECT, connectMessage(exchange.url(), future.cause(), key));
      return;
    }
    Channel channel = (Channel) future.getNow();
    if (channel.eventLoop().inEventLoop()) {
      beginAfterHandshake(exchange, channel, pool, key);
    } else {
      channel.eventLoop().execute(() -> beginAfterHandshake(exchange, channel, pool, key));
    }
  }

  /** Sends an exchange whose reused connection closed before answering once more, on a new connection. */
  private void resend(Exchange exchange, Pool pool) {
    if (closed) {
      exchange.failWithoutConnection(ErrorCause.CONNECT, "client is closed");
      return;
    }
    Promise<Channel> acquired = currentOrNextLoop().newPromise();
    pool.acquireNew(acquired).addListener(future -> onAcquired(future, exchange, pool, pool.key));
  }

  /** The answer to a {@link #get}: status and body text. */
  public record GetResponse(int status, String body) {
  }

  /**
   * One GET on a fresh connection outside the pool (the pre-flight's questions: version, models), with this
   * client's event loops and TLS settings, so that {@code insecureTls} means the same for it as for the load.
   * Completes with the status and body, or exceptionally with the connect, TLS or I/O failure, or a
   * {@link java.util.concurrent.TimeoutException} after {@code timeout}.
   *
   * @param url            the full URL
   * @param apiKey         bearer token or null
   * @param connectTimeout limit of the connect and TLS handshake
   * @param timeout        limit of the whole exchange
   * @return the answer
   */
  public java.util.concurrent.CompletableFuture<GetResponse> get(URI url, String apiKey,
      java.time.Duration connectTimeout, java.time.Duration timeout) {
    boolean tls = "https".equalsIgnoreCase(url.getScheme());
    return HttpGet.send(group, channelType, tls ? sslContext() : null, url, apiKey, connectTimeout, timeout);
  }

  /** The event loop of the calling thread when it is one of this client's, else the next one. */
  private EventLoop currentOrNextLoop() {
    for (EventExecutor executor : group) {
      if (executor.inEventLoop()) {
        return (EventLoop) executor;
      }
    }
    return group.next();
  }

  private void beginAfterHandshake(Exchange exchange, Channel channel, Pool pool, PoolKey key) {
    SslHandler ssl = channel.pipeline().get(SslHandler.class);
    if (ssl == null || ssl.handshakeFuture().isSuccess()) {
      exchange.begin(channel, pool);
      return;
    }
    ssl.handshakeFuture().addListener(handshake -> {
      if (handshake.isSuccess()) {
        exchange.begin(channel, pool);
      } else {
        channel.close().addListener(f -> pool.release(channel));
        Throwable cause = handshake.cause();
        exchange.failWithoutConnection(ErrorCause.CONNECT, TlsTrust.isUntrustedCertificate(cause)
            ? "TLS handshake with " + exchange.url() + " failed: the server's certificate is not trusted ("
                + Exchange.describe(cause) + "); " + TlsTrust.OPT_IN_HINT
            : "TLS handshake with " + exchange.url() + " failed: " + Exchange.describe(cause));
      }
    });
  }

  private static String connectMessage(String url, Throwable cause, PoolKey key) {
    String root = url;
    int pathStart = url.indexOf('/', url.indexOf("://") + 3);
    if (pathStart > 0) {
      root = url.substring(0, pathStart);
    }
    String why;
    if (cause instanceof ConnectTimeoutException) {
      why = "connect timeout after " + key.connectTimeoutMs() + " ms";
    } else if (cause instanceof UnknownHostException) {
      why = "unknown host " + key.host();
    } else if (cause instanceof ConnectException && cause.getMessage() != null) {
      // Netty appends ": /127.0.0.1:1"; the URL already says where
      String message = cause.getMessage();
      int address = message.indexOf(": /");
      why = address > 0 ? message.substring(0, address) : message;
      // epoll says "finishConnect(..) failed with error(-111): Connection refused": keep the reason
      why = why.replaceFirst("^.*failed with error\\(-?\\d+\\): ", "");
    } else {
      why = Exchange.describe(cause);
    }
    return "cannot connect to " + root + ": " + why;
  }

  private static String joinPath(String basePath, String apiPath) {
    String base = basePath == null ? "" : basePath;
    if (base.endsWith("/")) {
      base = base.substring(0, base.length() - 1);
    }
    return base + apiPath;
  }

  private Pool newPool(PoolKey key) {
    Bootstrap bootstrap = new Bootstrap()
        .group(group)
        .channel(channelType)
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.SO_KEEPALIVE, true)
        .remoteAddress(InetSocketAddress.createUnresolved(key.host(), key.port()));
    if (key.connectTimeoutMs() > 0) {
      bootstrap.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, key.connectTimeoutMs()));
    }
    SslContext ssl = key.tls() ? sslContext() : null;
    AbstractChannelPoolHandler handler = new AbstractChannelPoolHandler() {
      @Override
      public void channelCreated(Channel ch) {
        openChannels.add(ch);
        ChannelHandlers.ArrivalStamp stamp = new ChannelHandlers.ArrivalStamp();
        ch.pipeline().addLast("arrival", stamp);
        if (ssl != null) {
          SslHandler sslHandler = ssl.newHandler(ch.alloc(), key.host(), key.port());
          if (key.connectTimeoutMs() > 0) {
            sslHandler.setHandshakeTimeoutMillis(key.connectTimeoutMs());
          }
          ch.pipeline().addLast("tls", sslHandler);
        }
        ch.pipeline().addLast("http", new HttpClientCodec());
        ChannelHandlers.ExchangeDispatcher dispatcher = new ChannelHandlers.ExchangeDispatcher(stamp);
        ch.attr(ChannelHandlers.DISPATCHER).set(dispatcher);
        ch.pipeline().addLast("exchange", dispatcher);
      }
    };
    // LIFO reuse (keeps few connections warm), health check on acquire and release: still active, and still
    // within the server's announced Keep-Alive limits (see ConnectionReuse)
    return new Pool(this, key, bootstrap, handler);
  }

  /** Healthy = active and, when the server announced Keep-Alive limits, still within them. */
  private static final ChannelHealthChecker REUSABLE = ch -> {
    boolean reusable = ch.isActive();
    if (reusable) {
      ChannelHandlers.ExchangeDispatcher connection = ch.attr(ChannelHandlers.DISPATCHER).get();
      reusable = connection == null || connection.reusableAt(System.nanoTime());
    }
    return ch.eventLoop().newSucceededFuture(reusable ? Boolean.TRUE : Boolean.FALSE);
  };

  /** The keep-alive pool of one server, which can also hand out a new connection (for a resent request). */
  static final class Pool extends SimpleChannelPool {
    /** Set on the thread that acquires a new connection: pollChannel runs inside acquire, on that thread. */
    private static final ThreadLocal<Boolean> NEW_ONLY = new ThreadLocal<>();
    private final LlmClient client;
    final PoolKey key;

    Pool(LlmClient client, PoolKey key, Bootstrap bootstrap, AbstractChannelPoolHandler handler) {
      super(bootstrap, handler, REUSABLE, true, true);
      this.client = client;
      this.key = key;
    }

    @Override
    protected Channel pollChannel() {
      return NEW_ONLY.get() == Boolean.TRUE ? null : super.pollChannel();
    }

    /** A new connection, never a pooled one (it goes back to this pool when released). */
    io.netty.util.concurrent.Future<Channel> acquireNew(Promise<Channel> promise) {
      NEW_ONLY.set(Boolean.TRUE);
      try {
        return acquire(promise);
      } finally {
        NEW_ONLY.remove();
      }
    }

    /** Sends the exchange once more on a new connection of this pool. */
    void resend(Exchange exchange) {
      client.resend(exchange, this);
    }
  }

  private SslContext sslContext() {
    SslContext context = sslContext;
    if (context == null) {
      synchronized (this) {
        if (sslContext == null) {
          try {
            SslContextBuilder builder = SslContextBuilder.forClient().sslProvider(SslProvider.JDK);
            if (options.insecureTls()) {
              builder.trustManager(InsecureTrustManagerFactory.INSTANCE).endpointIdentificationAlgorithm(null);
            }
            sslContext = builder.build();
          } catch (SSLException e) {
            throw new IllegalStateException("cannot set up TLS: " + e.getMessage(), e);
          }
        }
        context = sslContext;
      }
    }
    return context;
  }

  /** Closes every connection (in-flight requests end as {@code stream_dropped}) and owned event loops. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    pools.values().forEach(SimpleChannelPool::close);
    pools.clear();
    openChannels.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    if (ownsGroup) {
      group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
  }
}
