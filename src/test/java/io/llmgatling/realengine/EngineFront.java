package io.llmgatling.realengine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import de.kherud.llama.InferenceParameters;
import de.kherud.llama.LlamaIterator;
import de.kherud.llama.LlamaModel;
import de.kherud.llama.LlamaOutput;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.AttributeKey;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The HTTP front of {@link RealEngine}: llama-server's OpenAI-compatible routes and its monitoring routes, one
 * engine request per HTTP request, every token streamed as the engine hands it over.
 *
 * <p>Connections behave like llama-server's (cpp-httplib): each response carries {@code Keep-Alive: timeout=T,
 * max=M}, the M-th response on a connection carries {@code Connection: close} and the connection is closed after
 * it, and a connection idle for T seconds between requests is closed.
 *
 * <p>Every request sets {@code ignore_eos} and a logit bias against the control and non-printable byte tokens:
 * a random model would otherwise end at a random point, or emit lone UTF-8 bytes that llama.cpp holds back
 * (several tokens in one chunk). So each engine token is exactly one streamed chunk and a request generates
 * {@code max_tokens} tokens.
 */
final class EngineFront extends SimpleChannelInboundHandler<FullHttpRequest> {

  record Settings(String modelId, Path modelFile, int slots, int ctxPerSlot, int defaultMaxTokens,
      int keepAliveTimeoutSec, int keepAliveMax) {
  }

  /** Shared by every connection. */
  static final class State {
    final LlamaModel engine;
    final EngineLog log;
    final Settings settings;
    final ExecutorService workers;
    final AtomicInteger inFlight = new AtomicInteger();
    /**
     * At most one engine task per slot; the rest wait here, first come first served, as they would in llama.cpp's
     * own queue. Why not in that queue: each task handed to java-llama.cpp parks a worker in the binding's result
     * wait, and those waits of queued tasks cost the one inference thread its core (2 slots, 8 concurrent 128-token
     * streams: 2.9-3.3 ms a token instead of 0.8; closed-loop throughput fell from 5.9 req/s at 4 users to 2.8 at 8).
     */
    final Semaphore admitted;
    final AtomicLong requestsTotal = new AtomicLong();
    final AtomicLong cancelledTotal = new AtomicLong();
    final long created = System.currentTimeMillis() / 1000;

    State(LlamaModel engine, EngineLog log, Settings settings, ExecutorService workers) {
      this.engine = engine;
      this.log = log;
      this.settings = settings;
      this.workers = workers;
      this.admitted = new Semaphore(settings.slots(), true);
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final AttributeKey<Integer> RESPONSES = AttributeKey.valueOf("responses");
  private static final AttributeKey<Boolean> BUSY = AttributeKey.valueOf("busy");
  private static final Field TASK_ID;

  static {
    try {
      // the engine's task id, the key of llama.cpp's log lines about this request
      TASK_ID = LlamaIterator.class.getDeclaredField("taskId");
      TASK_ID.setAccessible(true);
    } catch (NoSuchFieldException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final State state;

  EngineFront(State state) {
    this.state = state;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    ctx.channel().attr(BUSY).set(true);
    String path = request.uri().replaceAll("\\?.*", "");
    boolean close = !HttpUtil.isKeepAlive(request);
    try {
      if (request.method() == HttpMethod.POST && (path.equals("/v1/chat/completions")
          || path.equals("/chat/completions"))) {
        complete(ctx, request, true, close);
      } else if (request.method() == HttpMethod.POST && (path.equals("/v1/completions")
          || path.equals("/completions"))) {
        complete(ctx, request, false, close);
      } else if (request.method() == HttpMethod.GET) {
        switch (path) {
          case "/health" -> json(ctx, HttpResponseStatus.OK, JSON.createObjectNode().put("status", "ok"), close);
          case "/v1/models", "/models" -> json(ctx, HttpResponseStatus.OK, models(), close);
          case "/props" -> json(ctx, HttpResponseStatus.OK, props(), close);
          case "/slots" -> json(ctx, HttpResponseStatus.OK, slots(), close);
          case "/metrics" -> text(ctx, metrics(), close);
          default -> error(ctx, HttpResponseStatus.NOT_FOUND, "File Not Found", "not_found_error", close);
        }
      } else {
        error(ctx, HttpResponseStatus.NOT_FOUND, "File Not Found", "not_found_error", close);
      }
    } catch (BadRequest e) {
      error(ctx, HttpResponseStatus.BAD_REQUEST, e.getMessage(), "invalid_request_error", close);
    }
  }

  private static final class BadRequest extends RuntimeException {
    BadRequest(String message) {
      super(message);
    }
  }

  // ---------------------------------------------------------------- completions

  private void complete(ChannelHandlerContext ctx, FullHttpRequest request, boolean chat, boolean close) {
    JsonNode body;
    try {
      body = JSON.readTree(request.content().toString(StandardCharsets.UTF_8));
    } catch (Exception e) {
      throw new BadRequest("Failed to parse the request body as JSON");
    }
    if (body == null || !body.isObject()) {
      throw new BadRequest("the request body must be a JSON object");
    }
    String prompt = chat ? chatPrompt(body.path("messages")) : promptOf(body.get("prompt"));
    int maxTokens = body.has("max_completion_tokens") ? body.get("max_completion_tokens").asInt()
        : body.has("max_tokens") ? body.get("max_tokens").asInt()
        : body.has("n_predict") ? body.get("n_predict").asInt() : state.settings.defaultMaxTokens();
    if (maxTokens <= 0) {
      maxTokens = state.settings.defaultMaxTokens();
    }
    boolean stream = body.path("stream").asBoolean(false);
    boolean includeUsage = body.path("stream_options").path("include_usage").asBoolean(false);
    String model = body.path("model").asText(state.settings.modelId());

    InferenceParameters params = new InferenceParameters(prompt)
        .setNPredict(maxTokens)
        .setIgnoreEos(true)
        .disableTokenIds(RandomLlamaModel.unwantedTokens())
        .setCachePrompt(true);
    if (body.has("temperature")) {
      params.setTemperature((float) body.get("temperature").asDouble());
    }
    if (body.has("top_p")) {
      params.setTopP((float) body.get("top_p").asDouble());
    }
    if (body.has("seed")) {
      params.setSeed(body.get("seed").asInt());
    }
    Request r = new Request(ctx, chat, stream, includeUsage, model, close, maxTokens, prompt);
    ctx.channel().closeFuture().addListener(f -> r.gone = true);
    state.inFlight.incrementAndGet();
    state.requestsTotal.incrementAndGet();
    state.workers.execute(() -> {
      boolean admitted = false;
      try {
        state.admitted.acquire();
        admitted = true;
        if (r.gone) {
          return; // the client left while its request waited for a slot: nothing to cancel in the engine
        }
        r.run(params);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        ctx.close();
      } catch (RuntimeException e) {
        if (!r.headersSent) {
          String message = String.valueOf(e.getMessage());
          boolean client = e.getClass().getSimpleName().equals("LlamaException") && message.contains("context");
          error(ctx, client ? HttpResponseStatus.BAD_REQUEST : HttpResponseStatus.INTERNAL_SERVER_ERROR, message,
              client ? "invalid_request_error" : "server_error", !client || close);
        } else {
          ctx.close();
        }
      } finally {
        if (admitted) {
          state.admitted.release();
        }
        state.inFlight.decrementAndGet();
      }
    });
  }

  /** ChatML, the template written into the model (the front renders it: one code path for both routes). */
  private static String chatPrompt(JsonNode messages) {
    if (!messages.isArray() || messages.isEmpty()) {
      throw new BadRequest("'messages' must be a non-empty array");
    }
    StringBuilder sb = new StringBuilder();
    for (JsonNode m : messages) {
      sb.append("<|im_start|>").append(m.path("role").asText("user")).append('\n');
      JsonNode content = m.path("content");
      if (content.isArray()) {
        for (JsonNode part : content) {
          sb.append(part.path("text").asText(""));
        }
      } else {
        sb.append(content.asText(""));
      }
      sb.append("<|im_end|>\n");
    }
    return sb.append("<|im_start|>assistant\n").toString();
  }

  private static String promptOf(JsonNode prompt) {
    if (prompt == null || prompt.isNull()) {
      throw new BadRequest("'prompt' is required");
    }
    if (prompt.isArray()) {
      StringBuilder sb = new StringBuilder();
      prompt.forEach(p -> sb.append(p.asText("")));
      return sb.toString();
    }
    return prompt.asText();
  }

  /** One request's life: engine task, streamed chunks, final usage and timings. */
  private final class Request {
    final ChannelHandlerContext ctx;
    final boolean chat;
    final boolean stream;
    final boolean includeUsage;
    final String model;
    final boolean close;
    final int maxTokens;
    final String prompt;
    final String id;
    final long created = System.currentTimeMillis() / 1000;
    volatile boolean gone;
    volatile boolean headersSent;

    Request(ChannelHandlerContext ctx, boolean chat, boolean stream, boolean includeUsage, String model,
        boolean close, int maxTokens, String prompt) {
      this.ctx = ctx;
      this.prompt = prompt;
      this.chat = chat;
      this.stream = stream;
      this.includeUsage = includeUsage;
      this.model = model;
      this.close = close;
      this.maxTokens = maxTokens;
      this.id = (chat ? "chatcmpl-" : "cmpl-") + UUID.randomUUID().toString().replace("-", "");
    }

    void run(InferenceParameters params) {
      long submitted = System.nanoTime();
      LlamaIterator it = state.engine.generate(params).iterator();
      int task;
      try {
        task = (int) TASK_ID.get(it);
      } catch (IllegalAccessException e) {
        throw new IllegalStateException(e);
      }
      state.log.timings(task); // registered before any log line about it can complete it
      int tokens = 0;
      long firstToken = 0;
      long lastToken = 0;
      StringBuilder text = stream ? null : new StringBuilder();
      try {
        while (it.hasNext()) {
          LlamaOutput out = it.next(); // an engine error (e.g. prompt beyond the context) comes from here
          boolean last = !it.hasNext();
          if (stream && !headersSent && !gone) {
            // like llama-server, the stream's head goes out with the first result, so an error can still be
            // an HTTP status
            sendHead();
          }
          if (!last) {
            tokens++;
            lastToken = System.nanoTime();
            if (firstToken == 0) {
              firstToken = lastToken;
            }
          }
          if (gone) {
            // the client went away: the engine stops generating and frees the slot (llama-server does the
            // same when its next write fails)
            if (!last) {
              it.cancel();
              state.cancelledTotal.incrementAndGet();
            }
            state.log.forget(task);
            return;
          }
          if (out.text.isEmpty()) {
            continue;
          }
          if (stream) {
            ObjectNode c = chunk();
            ObjectNode choice = c.putArray("choices").addObject().put("index", 0).putNull("finish_reason");
            if (chat) {
              choice.putObject("delta").put("content", out.text);
            } else {
              choice.put("text", out.text);
            }
            send(c);
          } else {
            text.append(out.text);
          }
        }
      } catch (RuntimeException e) {
        state.log.forget(task);
        throw e;
      }
      EngineLog.Timings t;
      try {
        t = state.log.timings(task).get(2, TimeUnit.SECONDS);
      } catch (Exception e) {
        // no log line within 2 s (not seen so far): the front's own figures, not in /metrics
        double promptMs = (firstToken - submitted) / 1e6;
        double predictedMs = (lastToken - firstToken) / 1e6;
        t = new EngineLog.Timings(-1, state.engine.encode(prompt).length + 1, -1, promptMs, tokens, predictedMs);
      } finally {
        state.log.forget(task);
      }
      finish(t, tokens, text);
    }

    private void finish(EngineLog.Timings t, int tokens, StringBuilder text) {
      String finish = t.predictedN() >= maxTokens ? "length" : "stop";
      ObjectNode usage = JSON.createObjectNode()
          .put("completion_tokens", t.predictedN())
          .put("prompt_tokens", t.promptTokens())
          .put("total_tokens", t.predictedN() + t.promptTokens());
      ObjectNode timings = timings(t);
      if (tokens != t.predictedN()) {
        // never seen: a streamed chunk per engine token is this front's promise, say so loudly if broken
        timings.put("front_tokens", tokens);
      }
      if (stream) {
        ObjectNode c = chunk();
        ObjectNode choice = c.putArray("choices").addObject().put("index", 0).put("finish_reason", finish);
        if (chat) {
          choice.putObject("delta");
        } else {
          choice.put("text", "");
        }
        c.set("timings", timings);
        send(c);
        if (includeUsage) {
          ObjectNode u = chunk();
          u.putArray("choices");
          u.set("usage", usage);
          u.set("timings", timings.deepCopy());
          send(u);
        }
        ctx.write(new DefaultHttpContent(Unpooled.copiedBuffer("data: [DONE]\n\n", StandardCharsets.UTF_8)));
        ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT, afterResponsePromise(ctx, close));
      } else {
        ObjectNode r = JSON.createObjectNode();
        ObjectNode choice = r.putArray("choices").addObject().put("finish_reason", finish).put("index", 0);
        if (chat) {
          choice.putObject("message").put("role", "assistant").put("content", text.toString());
        } else {
          choice.put("text", text.toString()).putNull("logprobs");
        }
        r.put("created", created).put("model", model).put("system_fingerprint", fingerprint())
            .put("object", chat ? "chat.completion" : "text_completion").put("id", id);
        r.set("usage", usage);
        r.set("timings", timings);
        json(ctx, HttpResponseStatus.OK, r, close);
      }
    }

    private void sendHead() {
      HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
      head.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream");
      HttpUtil.setTransferEncodingChunked(head, true);
      connectionHeaders(head);
      headersSent = true;
      ctx.write(head);
      if (chat) {
        ObjectNode first = chunk();
        ObjectNode delta = first.putArray("choices").addObject().put("index", 0).putNull("finish_reason")
            .putObject("delta");
        delta.put("role", "assistant").putNull("content");
        send(first);
      } else {
        ctx.flush();
      }
    }

    private ObjectNode chunk() {
      ObjectNode c = JSON.createObjectNode();
      c.put("created", created).put("id", id).put("model", model).put("system_fingerprint", fingerprint())
          .put("object", chat ? "chat.completion.chunk" : "text_completion");
      return c;
    }

    private void send(ObjectNode chunk) {
      byte[] data;
      try {
        data = JSON.writeValueAsBytes(chunk);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
      ByteBuf buf = Unpooled.buffer(data.length + 8);
      buf.writeBytes("data: ".getBytes(StandardCharsets.US_ASCII)).writeBytes(data)
          .writeBytes("\n\n".getBytes(StandardCharsets.US_ASCII));
      ctx.writeAndFlush(new DefaultHttpContent(buf));
    }

    private void connectionHeaders(HttpResponse response) {
      boolean last = close || countResponse(ctx);
      setConnectionHeaders(response, last);
    }
  }

  private static ObjectNode timings(EngineLog.Timings t) {
    ObjectNode o = JSON.createObjectNode();
    o.put("cache_n", t.promptN() < 0 ? 0 : t.cacheN());
    o.put("prompt_n", t.promptN() < 0 ? t.promptTokens() : t.promptN());
    o.put("prompt_ms", t.promptMs());
    o.put("prompt_per_token_ms", t.promptN() > 0 ? t.promptMs() / t.promptN() : 0);
    o.put("prompt_per_second", t.promptMs() > 0 ? 1e3 * Math.max(t.promptN(), 0) / t.promptMs() : 0);
    o.put("predicted_n", t.predictedN());
    o.put("predicted_ms", t.predictedMs());
    o.put("predicted_per_token_ms", t.predictedN() > 0 ? t.predictedMs() / t.predictedN() : 0);
    o.put("predicted_per_second", t.predictedMs() > 0 ? 1e3 * t.predictedN() / t.predictedMs() : 0);
    return o;
  }

  private static String fingerprint() {
    return "b4916-java-llama.cpp-4.2.0";
  }

  // ---------------------------------------------------------------- monitoring routes

  private ObjectNode models() {
    ObjectNode r = JSON.createObjectNode().put("object", "list");
    ObjectNode m = r.putArray("data").addObject().put("id", state.settings.modelId()).put("object", "model")
        .put("created", state.created).put("owned_by", "llamacpp");
    ObjectNode meta = m.putObject("meta");
    try {
      meta.put("size", Files.size(state.settings.modelFile()));
    } catch (java.io.IOException e) {
      meta.putNull("size");
    }
    return r;
  }

  private ObjectNode props() {
    ObjectNode r = JSON.createObjectNode();
    r.putObject("default_generation_settings").put("n_ctx", state.settings.ctxPerSlot())
        .put("model", state.settings.modelFile().toString());
    r.put("total_slots", state.settings.slots());
    r.put("model_path", state.settings.modelFile().toString());
    r.put("chat_template", RandomLlamaModel.CHAT_TEMPLATE);
    r.put("build_info", fingerprint());
    return r;
  }

  private ArrayNode slots() {
    ArrayNode a = JSON.createArrayNode();
    long[] tasks = state.log.slots();
    for (int i = 0; i < tasks.length; i++) {
      a.addObject().put("id", i).put("id_task", tasks[i]).put("n_ctx", state.settings.ctxPerSlot())
          .put("is_processing", tasks[i] >= 0);
    }
    return a;
  }

  private String metrics() {
    EngineLog l = state.log;
    int processing = l.busySlots();
    int deferred = Math.max(0, state.inFlight.get() - processing);
    double promptSec = l.promptMicrosTotal.get() / 1e6;
    double predictedSec = l.predictedMicrosTotal.get() / 1e6;
    StringBuilder sb = new StringBuilder();
    metric(sb, "prompt_tokens_total", "counter", "Number of prompt tokens processed.", l.promptTokensTotal.get());
    metric(sb, "prompt_seconds_total", "counter", "Prompt process time", promptSec);
    metric(sb, "tokens_predicted_total", "counter", "Number of generation tokens processed.",
        l.tokensPredictedTotal.get());
    metric(sb, "tokens_predicted_seconds_total", "counter", "Predict process time", predictedSec);
    metric(sb, "prompt_tokens_seconds", "gauge", "Average prompt throughput in tokens/s.",
        promptSec > 0 ? l.promptTokensTotal.get() / promptSec : 0);
    metric(sb, "predicted_tokens_seconds", "gauge", "Average generation throughput in tokens/s.",
        predictedSec > 0 ? l.tokensPredictedTotal.get() / predictedSec : 0);
    metric(sb, "requests_processing", "gauge", "Number of requests processing.", processing);
    metric(sb, "requests_deferred", "gauge", "Number of requests deferred.", deferred);
    // this front's own counters (not llama-server's)
    sb.append("# HELP llmgatling:requests_total Completion requests received by the front.\n")
        .append("# TYPE llmgatling:requests_total counter\n")
        .append("llmgatling:requests_total ").append(state.requestsTotal.get()).append('\n');
    sb.append("# HELP llmgatling:requests_finished_total Engine tasks that ran to their end.\n")
        .append("# TYPE llmgatling:requests_finished_total counter\n")
        .append("llmgatling:requests_finished_total ").append(l.tasksFinished.get()).append('\n');
    sb.append("# HELP llmgatling:usage_prompt_tokens_total Prompt tokens of finished tasks, cached ones included.\n")
        .append("# TYPE llmgatling:usage_prompt_tokens_total counter\n")
        .append("llmgatling:usage_prompt_tokens_total ").append(l.usagePromptTokensTotal.get()).append('\n');
    sb.append("# HELP llmgatling:requests_cancelled_total Engine tasks cancelled because the client went away.\n")
        .append("# TYPE llmgatling:requests_cancelled_total counter\n")
        .append("llmgatling:requests_cancelled_total ").append(state.cancelledTotal.get()).append('\n');
    return sb.toString();
  }

  private static void metric(StringBuilder sb, String name, String type, String help, double value) {
    sb.append("# HELP llamacpp:").append(name).append(' ').append(help).append('\n');
    sb.append("# TYPE llamacpp:").append(name).append(' ').append(type).append('\n');
    sb.append("llamacpp:").append(name).append(' ');
    if (value == Math.rint(value) && Math.abs(value) < 1e15) {
      sb.append((long) value);
    } else {
      sb.append(String.format(Locale.ROOT, "%.6f", value));
    }
    sb.append('\n');
  }

  // ---------------------------------------------------------------- responses and connections

  /** Counts a response on this connection; true when it is the last one keep-alive allows. */
  private boolean countResponse(ChannelHandlerContext ctx) {
    Integer n = ctx.channel().attr(RESPONSES).get();
    int count = (n == null ? 0 : n) + 1;
    ctx.channel().attr(RESPONSES).set(count);
    return count >= state.settings.keepAliveMax();
  }

  private void setConnectionHeaders(HttpResponse response, boolean last) {
    if (last) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    } else {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
      response.headers().set("Keep-Alive", "timeout=" + state.settings.keepAliveTimeoutSec() + ", max="
          + state.settings.keepAliveMax());
    }
  }

  /**
   * A promise whose listener ({@link #afterResponse}) is attached before the write is issued. Attached after it (as
   * {@code writeAndFlush(..).addListener(..)} from a worker thread does), the listener of a write already done is
   * queued to the event loop, where it can run after the client's next request on the connection was read: it then
   * marked the connection idle while that request waited for a slot, and the idle timeout closed it 5 s later (one
   * {@code stream_dropped} at 5,003 ms, no response byte, in 12 runs at 8 users, twice).
   */
  private ChannelPromise afterResponsePromise(ChannelHandlerContext ctx, boolean closeRequested) {
    ChannelPromise promise = ctx.newPromise();
    promise.addListener(afterResponse(ctx, closeRequested));
    return promise;
  }

  private ChannelFutureListener afterResponse(ChannelHandlerContext ctx, boolean closeRequested) {
    return f -> {
      ctx.channel().attr(BUSY).set(false);
      Integer n = ctx.channel().attr(RESPONSES).get();
      if (closeRequested || (n != null && n >= state.settings.keepAliveMax())) {
        ctx.close();
      }
    };
  }

  private void json(ChannelHandlerContext ctx, HttpResponseStatus status, JsonNode body, boolean close) {
    byte[] bytes;
    try {
      bytes = JSON.writeValueAsBytes(body);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    full(ctx, status, "application/json; charset=utf-8", bytes, close);
  }

  private void text(ChannelHandlerContext ctx, String body, boolean close) {
    full(ctx, HttpResponseStatus.OK, "text/plain; version=0.0.4", body.getBytes(StandardCharsets.UTF_8), close);
  }

  private void error(ChannelHandlerContext ctx, HttpResponseStatus status, String message, String type,
      boolean close) {
    ObjectNode e = JSON.createObjectNode();
    e.putObject("error").put("code", status.code()).put("message", message).put("type", type);
    json(ctx, status, e, close);
  }

  private void full(ChannelHandlerContext ctx, HttpResponseStatus status, String type, byte[] body,
      boolean close) {
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
        Unpooled.wrappedBuffer(body));
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
    response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
    boolean last = countResponse(ctx) || close;
    setConnectionHeaders(response, last);
    ctx.writeAndFlush(response, afterResponsePromise(ctx, close));
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    // llama-server closes a connection that stays idle between requests for its keep-alive timeout
    if (evt instanceof IdleStateEvent && !Boolean.TRUE.equals(ctx.channel().attr(BUSY).get())) {
      ctx.close();
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }
}
