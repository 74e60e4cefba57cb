package io.llmgatling.simulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.llmgatling.simulator.dialect.Admitted;
import io.llmgatling.simulator.dialect.Frames;
import io.llmgatling.simulator.dialect.GenerationRequest;
import io.llmgatling.simulator.dialect.ScriptedAnswers;
import io.llmgatling.simulator.dialect.Kind;
import io.llmgatling.simulator.dialect.ServerDialect;
import io.llmgatling.simulator.dialect.ServerExchange;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Routes one HTTP request to the handler a dialect declared for it ({@link Router}); answers from the handler
 * go out through {@link Request}, generating requests become a {@link Generation}.
 */
final class SimulatorHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
  /** Ollama's exact answer when its queue is full (two spaces included). */
  static final String BUSY_MESSAGE = "server busy, please try again.  maximum pending requests exceeded";

  private final LlmSimulator sim;
  private final SimulatorConfig config;

  SimulatorHandler(LlmSimulator sim) {
    this.sim = sim;
    this.config = sim.config();
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
    long arrival = System.nanoTime();
    boolean keepAlive = HttpUtil.isKeepAlive(req);
    String path = new QueryStringDecoder(req.uri()).path();
    if (path.length() > 1 && path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    String method = req.method().name();
    Router.Route route = sim.router().find(method, path);
    if (route == null) {
      route = sim.router().notFound(path);
    }
    Request r = new Request(ctx, req, method, path, req.headers().get("X-Request-Id"), arrival, keepAlive,
        route == null ? null : route.dialect());
    if (!req.decoderResult().isSuccess()) {
      r.respond(400, "text/plain; charset=utf-8", "bad request");
    } else if (route == null) {
      r.respond(404, "text/plain", "404 page not found");
    } else {
      route.handler().handle(r);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // a peer that resets the connection is business as usual for a load-test target
    ctx.close();
  }

  /** One request as the dialects see it; answers directly (catalog endpoints, early errors) or generates. */
  private final class Request implements ServerExchange {
    final ChannelHandlerContext ctx;
    final FullHttpRequest req;
    final String method;
    final String path;
    final String requestId;
    final long arrival;
    final boolean keepAlive;
    /** The dialect whose route this is; null for probes and unrouted paths. */
    final ServerDialect dialect;
    String model;
    /** The parsed body, once read (reading consumes the buffer). */
    JsonNode parsed;

    Request(ChannelHandlerContext ctx, FullHttpRequest req, String method, String path, String requestId,
        long arrival, boolean keepAlive, ServerDialect dialect) {
      this.ctx = ctx;
      this.req = req;
      this.method = method;
      this.path = path;
      this.requestId = requestId;
      this.arrival = arrival;
      this.keepAlive = keepAlive;
      this.dialect = dialect;
    }

    @Override
    public String method() {
      return method;
    }

    @Override
    public String path() {
      return path;
    }

    @Override
    public SimulatorConfig config() {
      return config;
    }

    @Override
    public long startedAtMillis() {
      return sim.startedAtMillis();
    }

    @Override
    public List<SlotScheduler.LoadedModel> loadedModels() {
      return sim.loadedModels();
    }

    @Override
    public boolean isLoaded(ModelSpec m) {
      return sim.scheduler().isLoaded(m);
    }

    @Override
    public SlotScheduler scheduler() {
      return sim.scheduler();
    }

    @Override
    public String metrics() {
      return sim.gauges().metrics();
    }

    @Override
    public JsonNode slots() {
      return sim.gauges().slots();
    }

    @Override
    public JsonNode body() {
      if (parsed != null) {
        return parsed;
      }
      if (req.content().readableBytes() == 0) {
        error(400, dialect.emptyBodyMessage());
        return null;
      }
      try {
        JsonNode body = Frames.JSON.readTree(new ByteBufInputStream(req.content()));
        if (body == null || !body.isObject()) {
          error(400, "invalid request body: expected a JSON object");
          return null;
        }
        parsed = body;
        return body;
      } catch (IOException e) {
        String msg = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
        error(400, "invalid request body: " + (msg == null ? "unparseable JSON" : msg.lines().findFirst()
            .orElse(msg)));
        return null;
      }
    }

    @Override
    public Admitted admit(JsonNode body, Kind kind) {
      String name = Frames.text(body, "model", null);
      ModelSpec spec = name == null || name.isEmpty() ? null : config.model(name);
      if (spec == null && config.acceptAnyModel()) {
        spec = firstModel(kind == Kind.EMBED);
        name = name == null || name.isEmpty() ? spec.name() : name;
      }
      model = name;
      if (name == null || name.isEmpty()) {
        error(400, "model is required");
        return null;
      }
      if (spec == null) {
        error(404, "model \"" + name + "\" not found, try pulling it first");
        return null;
      }
      if (spec.isEmbedding() && kind != Kind.EMBED) {
        error(400, "\"" + name + "\" does not support " + (kind == Kind.CHAT ? "chat" : "generate"));
        return null;
      }
      long sequence = sim.nextSequence();
      SplittableRandom random = new SplittableRandom(config.seed() * 0x9E3779B97F4A7C15L + sequence);
      long jitterSeed = random.nextLong();
      double faultDraw = random.nextDouble();
      return new Admitted(spec, name, sequence, random, jitterSeed,
          config.faults().any() ? config.faults().pick(faultDraw) : null);
    }

    @Override
    public void generate(Admitted a, GenerationRequest g) {
      Job job = new Job();
      job.kind = g.kind();
      job.wire = g.wire();
      job.api = dialect.name();
      job.model = a.model();
      job.modelName = a.modelName();
      job.arrivalNanos = arrival;
      job.sequence = a.sequence();
      job.requestId = requestId;
      job.method = method;
      job.path = path;
      job.keepConnection = keepAlive;
      job.jitterSeed = a.jitterSeed();
      job.fault = a.fault();
      job.keepAliveNanos = g.keepAliveNanos();
      job.stream = g.stream();
      job.promptTokens = g.promptTokens();
      job.cachedPrompt = g.kind() == Kind.EMBED ? null : PrefixCacheText.fromBody(body(), a.model());
      if (job.cachedPrompt != null) {
        job.cachedPrompt.tokens(job.promptTokens);
      }
      job.outputTokens = g.outputTokens();
      job.reasoningTokens = g.reasoningTokens();
      job.doneReason = g.doneReason();
      job.textSeed = g.textSeed();
      script(job, g);
      new Generation(sim, ctx, job).start();
    }

    /**
     * A tool call (the dialect planned one) or a structured answer (the request carries a JSON schema): the text is
     * decided up front and generated one piece a token; the answer's length is the text's, cut by a cap that was
     * already reached ({@code length}); finish reason {@code tool_calls} for a call (each wire says it its way).
     */
    private void script(Job job, GenerationRequest g) {
      if (g.kind() == Kind.EMBED || g.outputTokens() == 0) {
        return;
      }
      String text;
      if (g.toolCall() != null) {
        text = g.toolCall().argumentsJson();
      } else {
        JsonNode schema = ScriptedAnswers.schema(body());
        if (schema == null) {
          return;
        }
        text = ScriptedAnswers.structuredText(schema, g.textSeed(), g.outputTokens(), config.charsPerToken());
      }
      String[] pieces = ScriptedAnswers.pieces(text, config.charsPerToken());
      boolean capped = "length".equals(g.doneReason());
      int natural = g.reasoningTokens() + pieces.length; // any thinking first, then the scripted answer
      job.outputTokens = capped ? Math.min(natural, g.outputTokens()) : natural;
      job.doneReason = natural > job.outputTokens ? "length" : g.toolCall() != null ? "tool_calls" : "stop";
      job.toolCall = g.toolCall();
      job.scriptedPieces = pieces;
    }

    private ModelSpec firstModel(boolean embedding) {
      return config.models().stream().filter(m -> m.isEmbedding() == embedding).findFirst()
          .orElse(config.models().get(0));
    }

    @Override
    public void error(int status, String message) {
      respond(status, "application/json; charset=utf-8",
          dialect == null ? Frames.plainError(message) : dialect.errorBody(status, message), model);
    }

    @Override
    public void json(int status, JsonNode body, String modelName) {
      respond(status, "application/json; charset=utf-8", body.toString(), modelName);
    }

    @Override
    public void respond(int status, String contentType, String body) {
      respond(status, contentType, body, null);
    }

    void respond(int status, String contentType, String body, String modelName) {
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
          HttpResponseStatus.valueOf(status),
          "HEAD".equals(method) ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(bytes));
      response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
      HttpUtil.setContentLength(response, bytes.length);
      if (!keepAlive) {
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      }
      long end = System.nanoTime();
      sim.record(new RequestTruth(requestId, method, path, modelName == null ? model : modelName,
          dialect == null ? "none" : dialect.name(), false, status, arrival, -1, -1, new long[0], end, 0, 0, null));
      // recorded before the write so the truth is there by the time the client has the answer
      if (keepAlive) {
        ctx.writeAndFlush(response, ctx.voidPromise());
      } else {
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
      }
    }
  }
}
