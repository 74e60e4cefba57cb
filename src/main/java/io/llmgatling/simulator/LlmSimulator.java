package io.llmgatling.simulator;

import io.llmgatling.simulator.dialect.ServerDialects;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The embedded simulator of Ollama, LM Studio and llama-server: one event-driven HTTP/1.1 server (Netty,
 * keep-alive, no thread per stream) serving every API family on one port.
 *
 * <pre>{@code
 * try (LlmSimulator sim = LlmSimulator.start(SimulatorConfig.defaults().toBuilder().port(0).build())) {
 *   URI base = sim.baseUrl();          // http://127.0.0.1:PORT
 *   ...
 *   List<RequestTruth> truth = sim.truth();
 * }
 * }</pre>
 */
public final class LlmSimulator implements AutoCloseable {
  /** Pipeline name of the HTTP codec; streams write their pre-framed chunks past it. */
  static final String HTTP_CODEC = "codec";

  private final SimulatorConfig config;
  private final EventLoopGroup group;
  private final Channel serverChannel;
  private final ChannelGroup channels;
  private final SlotScheduler scheduler;
  private final Map<String, AtomicInteger> decoding = new ConcurrentHashMap<>();
  /** Requests queued for a slot, per model (a prefillTable's count is the slot holders and these). */
  private final Map<String, AtomicInteger> queued = new ConcurrentHashMap<>();
  private final Map<String, PromptBatch> promptBatches = new ConcurrentHashMap<>();
  /** Per model paced by its context ({@code contextMsPer1kTokens}): the slot holders' context tokens, and holders. */
  private final Map<String, AtomicLong> contextTokens = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> contextStreams = new ConcurrentHashMap<>();
  private final ConcurrentLinkedQueue<RequestTruth> truth = new ConcurrentLinkedQueue<>();
  private final AtomicInteger truthSize = new AtomicInteger();
  private final AtomicLong sequence = new AtomicLong();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final long startedAtMillis = System.currentTimeMillis();
  private final Router router;
  private final int port;
  private final Gauges gauges = new Gauges(this);

  private LlmSimulator(SimulatorConfig config) {
    this.config = config;
    this.router = Router.of(config, ServerDialects.ALL);
    IoHandlerFactory io = NioIoHandler.newFactory();
    Class<? extends ServerChannel> channelClass = NioServerSocketChannel.class;
    if (epollAvailable()) {
      try {
        io = (IoHandlerFactory) Class.forName("io.netty.channel.epoll.EpollIoHandler")
            .getMethod("newFactory").invoke(null);
        channelClass = Class.forName("io.netty.channel.epoll.EpollServerSocketChannel")
            .asSubclass(ServerChannel.class);
      } catch (ReflectiveOperationException | LinkageError e) {
        io = NioIoHandler.newFactory();
        channelClass = NioServerSocketChannel.class;
      }
    }
    this.group = new MultiThreadIoEventLoopGroup(config.ioThreads(),
        new DefaultThreadFactory("llm-sim", true), io);
    this.channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    // a model paced by a measured decodeTable counts the requests in the server (slot holders and queued ones), the
    // table's key; the others count the slot holders only
    this.scheduler = new SlotScheduler(config,
        (task, delay) -> group.next().schedule(task, delay, TimeUnit.NANOSECONDS), System::nanoTime,
        (spec, delta) -> {
          if (spec.pacedByTable()) {
            decoding.get(spec.name()).addAndGet(delta);
          }
          queued.get(spec.name()).addAndGet(delta);
        });
    for (ModelSpec m : config.models()) {
      decoding.put(m.name(), new AtomicInteger());
      queued.put(m.name(), new AtomicInteger());
      promptBatches.put(m.name(), new PromptBatch());
      contextTokens.put(m.name(), new AtomicLong());
      contextStreams.put(m.name(), new AtomicInteger());
    }
    try {
      ServerBootstrap bootstrap = new ServerBootstrap()
          .group(group)
          .channel(channelClass)
          .option(ChannelOption.SO_BACKLOG, 8192)
          .option(ChannelOption.SO_REUSEADDR, true)
          .childOption(ChannelOption.TCP_NODELAY, true)
          .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(8 * 1024, 32 * 1024))
          .childHandler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
              channels.add(ch);
              ch.pipeline().addLast(HTTP_CODEC, new HttpServerCodec());
              if (ConnectionKeepAlive.wanted(config)) {
                ch.pipeline().addLast("keep-alive", new ConnectionKeepAlive(config));
              }
              ch.pipeline()
                  .addLast("aggregator", new HttpObjectAggregator(config.maxBodyBytes()))
                  .addLast("handler", new SimulatorHandler(LlmSimulator.this));
            }
          });
      this.serverChannel = bootstrap.bind(config.host(), config.port()).syncUninterruptibly().channel();
    } catch (RuntimeException e) {
      group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
      throw new IllegalStateException("cannot listen on " + config.host() + ":" + config.port() + ": "
          + e.getMessage(), e);
    }
    this.port = ((InetSocketAddress) serverChannel.localAddress()).getPort();
  }

  /**
   * Epoll is a runtime-only dependency (the native transport Gatling ships), so it is looked up by name;
   * NIO is the fallback everywhere else.
   */
  private static boolean epollAvailable() {
    try {
      return (Boolean) Class.forName("io.netty.channel.epoll.Epoll").getMethod("isAvailable").invoke(null);
    } catch (ReflectiveOperationException | LinkageError e) {
      return false;
    }
  }

  /** Starts a simulator (port 0 picks a free port) and returns once it listens. */
  public static LlmSimulator start(SimulatorConfig config) {
    return new LlmSimulator(config);
  }

  /** The port it listens on. */
  public int port() {
    return port;
  }

  /** {@code http://HOST:PORT} (the server root; OpenAI paths are under /v1). */
  public URI baseUrl() {
    String host = config.host().contains(":") ? "[" + config.host() + "]" : config.host();
    if ("0.0.0.0".equals(host)) {
      host = "127.0.0.1";
    }
    return URI.create("http://" + host + ":" + port);
  }

  public SimulatorConfig config() {
    return config;
  }

  /** Every finished request so far (oldest first, at most {@code truthLimit}). */
  public List<RequestTruth> truth() {
    return new ArrayList<>(truth);
  }

  /** Forgets the truth recorded so far. */
  public void clearTruth() {
    truth.clear();
    truthSize.set(0);
  }

  /** Models loaded right now (what /api/ps shows). */
  public List<SlotScheduler.LoadedModel> loadedModels() {
    return scheduler.loaded();
  }

  /** Stops listening, closes every connection and the event loops. Idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    serverChannel.close().awaitUninterruptibly();
    channels.close().awaitUninterruptibly();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
  }

  Router router() {
    return router;
  }

  Gauges gauges() {
    return gauges;
  }

  SlotScheduler scheduler() {
    return scheduler;
  }

  AtomicInteger decoding(ModelSpec model) {
    return decoding.get(model.name());
  }

  /** Requests of a model in the server: holding a slot or queued for one (the key of its {@code prefillTable}). */
  int inServer(ModelSpec model) {
    int holders = decoding.get(model.name()).get();
    return model.pacedByTable() ? holders : holders + queued.get(model.name()).get();
  }

  /** Context tokens (prompts and tokens generated so far) of a model's slot holders ({@code contextMsPer1kTokens}). */
  AtomicLong contextTokens(ModelSpec model) {
    return contextTokens.get(model.name());
  }

  /** Slot holders of a model paced by its context ({@code contextMsPer1kTokens}). */
  AtomicInteger contextStreams(ModelSpec model) {
    return contextStreams.get(model.name());
  }

  /** The prompts of a model whose prompt shares the decode batch ({@link ModelSpec#prefillSharesBatch()}). */
  PromptBatch promptBatch(ModelSpec model) {
    return promptBatches.get(model.name());
  }

  long nextSequence() {
    return sequence.incrementAndGet();
  }

  long startedAtMillis() {
    return startedAtMillis;
  }

  /** Whether finished requests are kept for {@link #truth()} (a record is not even built otherwise). */
  boolean keepsTruth() {
    return config.truthLimit() > 0;
  }

  void record(RequestTruth t) {
    if (config.truthLimit() <= 0) {
      return;
    }
    truth.add(t);
    if (truthSize.incrementAndGet() > config.truthLimit()) {
      if (truth.poll() != null) {
        truthSize.decrementAndGet();
      }
    }
  }
}
