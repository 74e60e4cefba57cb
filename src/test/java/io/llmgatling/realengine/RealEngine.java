package io.llmgatling.realengine;

import de.kherud.llama.LlamaModel;
import de.kherud.llama.ModelParameters;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.IdleStateHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * A real llama.cpp engine behind an OpenAI-compatible HTTP front that behaves like llama-server: real llama.cpp
 * cost on a meaningless model. The model is a seeded random-weight GGUF ({@link RandomLlamaModel}) generated
 * when missing; the engine is java-llama.cpp ({@code de.kherud:llama}), which runs llama.cpp's own server code
 * (slots, continuous batching, task queue, prompt cache) in this process; the front ({@link EngineFront}) speaks
 * {@code /v1/chat/completions}, {@code /v1/completions}, {@code /v1/models}, {@code /health}, {@code /props},
 * {@code /slots} and {@code /metrics} with llama-server's keep-alive behaviour.
 *
 * <p>Why java-llama.cpp and not node-llama-cpp (measured on this 2-core box, tiny model 4x128):
 * java-llama.cpp 4.2.0 is one 12 MB jar (natives for 7 platforms) and runs llama.cpp's server code itself, so
 * slot scheduling, continuous batching, deferral beyond the slots and cancellation are llama-server's; a process
 * starts, loads the model and answers in 1.6 s, 2,400-3,100 tokens/s on one stream. node-llama-cpp 3.22.1
 * installs 725 MB of node_modules (CUDA and Vulkan builds come as optional dependencies) and schedules its
 * context sequences in its own TypeScript, not llama.cpp's server loop.
 *
 * <p>Started in a process of its own (the engine's native loop thread never lets a JVM end by itself; SIGTERM or
 * the parent's end stops it). Prints {@code llm-gatling engine listening on http://127.0.0.1:PORT model=ID
 * slots=N} once it answers.
 */
@Command(name = "real-engine", mixinStandardHelpOptions = true,
    description = "A real llama.cpp engine (random-weight model) behind a llama-server-like HTTP front.")
public final class RealEngine implements Callable<Integer> {

  /** The line a launcher waits for. */
  public static final String LISTENING = "llm-gatling engine listening on ";

  @Option(names = "--port", description = "port on 127.0.0.1, 0 = any free one (default ${DEFAULT-VALUE})")
  int port = 8081;

  @Option(names = "--slots", description = "parallel slots (llama-server --parallel) (default ${DEFAULT-VALUE})")
  int slots = 2;

  @Option(names = "--ctx", description = "context per slot in tokens (default ${DEFAULT-VALUE})")
  int ctxPerSlot = 2048;

  @Option(names = "--threads", description = "inference threads (default ${DEFAULT-VALUE})")
  int threads = 1;

  @Option(names = "--layers", description = "model blocks (default ${DEFAULT-VALUE})")
  int layers = 4;

  @Option(names = "--dim", description = "model embedding length, a multiple of 32 (default ${DEFAULT-VALUE})")
  int dim = 128;

  @Option(names = "--f16", description = "F16 matrices instead of F32")
  boolean f16;

  @Option(names = "--seed", description = "weight seed (default ${DEFAULT-VALUE})")
  long seed = 42;

  @Option(names = "--model-dir", description = "where generated models are kept (default ${DEFAULT-VALUE})")
  Path modelDir = Path.of("target", "real-engine");

  @Option(names = "--gguf", description = "serve this GGUF file instead of a generated one")
  Path gguf;

  @Option(names = "--keep-alive-timeout", description = "seconds an idle connection is kept (llama-server: 5)")
  int keepAliveTimeoutSec = 5;

  @Option(names = "--keep-alive-max", description = "responses per connection (llama-server: 100)")
  int keepAliveMax = 100;

  @Option(names = "--max-tokens", description = "output cap when a request gives none (default ${DEFAULT-VALUE})")
  int defaultMaxTokens = 512;

  @Option(names = "--exit-with-parent", description = "stop when the process that started this one ends")
  boolean exitWithParent;

  public static void main(String[] args) {
    int code = new CommandLine(new RealEngine()).execute(args);
    if (code != 0) {
      System.exit(code);
    }
    // serving: the main thread ends, the front and the engine's threads go on until SIGTERM
  }

  @Override
  public Integer call() throws Exception {
    if (exitWithParent) {
      ProcessHandle.current().parent().ifPresent(p -> p.onExit().thenRun(() -> System.exit(0)));
    }
    Path model;
    String modelId;
    if (gguf != null) {
      model = gguf;
      String name = gguf.getFileName().toString();
      modelId = name.endsWith(".gguf") ? name.substring(0, name.length() - 5) : name;
    } else {
      RandomLlamaModel spec = RandomLlamaModel.of(layers, dim, seed);
      if (f16) {
        spec = spec.withType(GgufWriter.TensorType.F16);
      }
      model = spec.ensure(modelDir);
      modelId = spec.id();
    }
    Path work = Files.createTempDirectory("llm-gatling-engine-");
    Path log = work.resolve("llama.log");
    System.setProperty("de.kherud.llama.tmpdir", work.toString());
    Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteQuietly(work)));

    LlamaModel engine = new LlamaModel(new ModelParameters()
        .setModel(model.toString())
        .setParallel(slots)
        .setCtxSize(ctxPerSlot * slots)
        .setThreads(threads)
        .setThreadsBatch(threads)
        .enableContBatching()
        .setLogFile(log.toString()));
    EngineLog engineLog = new EngineLog(log, slots);
    engineLog.start();

    ExecutorService workers = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "engine-request");
      t.setDaemon(true);
      return t;
    });
    EngineFront.Settings settings = new EngineFront.Settings(modelId, model, slots, ctxPerSlot,
        defaultMaxTokens, keepAliveTimeoutSec, keepAliveMax);
    EngineFront.State state = new EngineFront.State(engine, engineLog, settings, workers);

    MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    Channel server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
        .option(ChannelOption.SO_BACKLOG, 1024)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ch.pipeline()
                .addLast(new IdleStateHandler(0, 0, keepAliveTimeoutSec * 1000L, TimeUnit.MILLISECONDS))
                .addLast(new HttpServerCodec())
                .addLast(new HttpObjectAggregator(16 * 1024 * 1024))
                .addLast(new EngineFront(state));
          }
        })
        .bind("127.0.0.1", port).sync().channel();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      engineLog.close();
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }));
    int bound = ((InetSocketAddress) server.localAddress()).getPort();
    System.out.println(LISTENING + "http://127.0.0.1:" + bound + " model=" + modelId + " slots=" + slots);
    System.out.flush();
    return 0;
  }

  private static void deleteQuietly(Path dir) {
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temp folder left behind is harmless
    }
  }
}
