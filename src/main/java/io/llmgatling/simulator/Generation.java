package io.llmgatling.simulator;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * One generating (or embedding) request from admission to its last byte. Lives on its channel's event loop:
 * each token is a write on a timer of that loop (no thread per stream); tokens that fall due together go
 * out in one flush.
 */
final class Generation {
  private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] SSE_DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] SSE_EVENT_END = "\n\n".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] NEWLINE = "\n".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
  private static final long CANCELLABLE_WAIT_NANOS = TimeUnit.SECONDS.toNanos(1);
  private static final short CRLF = ('\r' << 8) | '\n';

  private final LlmSimulator sim;
  private final SimulatorConfig config;
  private final ChannelHandlerContext ctx;
  private final EventLoop loop;
  private final Job job;
  private final SplittableRandom jitterRandom;
  private final SplittableRandom textRandom;
  private final Runnable emitTask = this::emit;
  private long[] tokenNanos;
  private final int faultAt;

  private byte[] chunkPrefix;
  private byte[] chunkMiddle;
  private byte[] chunkSuffix;
  /** The HTTP codec's context: writes through it skip the encoder (pre-framed chunks); null if absent. */
  private ChannelHandlerContext wire;
  private StringBuilder text;

  private boolean headersSent;
  private boolean finished;
  private boolean slotHeld;
  private int status;
  private long slotNanos = -1;
  private long loadNanos;
  private long promptEvalEndNanos;
  private long firstTokenNanos = -1;
  private long nextDueNanos;
  private int emitted;
  private ScheduledFuture<?> pending;
  /** The prompt shares the decode batch: prompts go in passes ({@link PromptBatch}), decoding streams wait. */
  private final boolean inBatch;
  /** Prompt time of the model booked when this stream last took its stall into account. */
  private long stallSeenNanos;
  /** The pass carrying this request's prompt (in-batch prompts); null once its first token is out. */
  private PromptBatch.Pass pass;

  Generation(LlmSimulator sim, ChannelHandlerContext ctx, Job job) {
    this.sim = sim;
    this.config = sim.config();
    this.ctx = ctx;
    this.loop = ctx.channel().eventLoop();
    this.job = job;
    this.jitterRandom = new SplittableRandom(job.jitterSeed);
    this.textRandom = new SplittableRandom(job.textSeed);
    // grown as tokens come: a cap of millions of tokens must not cost megabytes up front
    this.tokenNanos = new long[Math.min(job.outputTokens, 256)];
    this.faultAt = Math.max(1, job.outputTokens / 2);
    this.inBatch = job.model.prefillSharesBatch() && !config.zeroLatency();
  }

  /** Applies the request-level faults, then asks the scheduler for a slot. */
  void start() {
    ctx.channel().closeFuture().addListener(closeListener);
    if (Faults.ERROR.equals(job.fault)) {
      failEarly(500, "llama runner process has terminated: exit status 2 (simulated fault)");
      return;
    }
    if (Faults.BUSY.equals(job.fault)) {
      failEarly(503, SimulatorHandler.BUSY_MESSAGE);
      return;
    }
    if (Faults.SLOW_HEADERS.equals(job.fault) && config.faults().slowHeadersMs() > 0) {
      pending = loop.schedule(this::submit, config.faults().slowHeadersMs(), TimeUnit.MILLISECONDS);
      return;
    }
    submit();
  }

  private void submit() {
    if (finished) {
      return;
    }
    SlotScheduler.Admission admission = sim.scheduler().submit(job.model, job.arrivalNanos, job.keepAliveNanos,
        job.cachedPrompt, (slot, load) -> loop.execute(() -> onSlot(slot, load)));
    if (admission == SlotScheduler.Admission.QUEUE_FULL) {
      failEarly(503, SimulatorHandler.BUSY_MESSAGE);
      return;
    }
    if (job.stream && !config.headersOnFirstToken() && job.endpoint.kind != Endpoint.Kind.EMBED) {
      sendStreamHeaders();
      ctx.flush();
    }
  }

  private void onSlot(long slot, long load) {
    slotHeld = true;
    if (finished) {
      // the client left while queued: give the slot straight back
      release();
      return;
    }
    slotNanos = slot;
    loadNanos = load;
    sim.decoding(job.model).incrementAndGet();
    long prefill = PerformanceModel.jittered(
        PerformanceModel.prefillNanos(job.model, job.promptTokens, cachedTokens(), config.zeroLatency()),
        config.jitter(), jitterRandom.nextDouble());
    if (inBatch) {
      PromptBatch batch = sim.promptBatch(job.model);
      pass = batch.book(slot, prefill);
      promptEvalEndNanos = batch.endNanos(pass);
      stallSeenNanos = batch.booked();
    } else {
      promptEvalEndNanos = slot + prefill;
    }
    if (job.endpoint.kind == Endpoint.Kind.EMBED || job.outputTokens == 0) {
      nextDueNanos = promptEvalEndNanos;
    } else {
      if (job.stream) {
        prepareChunkTemplates();
      } else {
        text = new StringBuilder(Math.min(job.outputTokens, 4096) * 6);
      }
      nextDueNanos = promptEvalEndNanos + nextInterval();
    }
    if (nextDueNanos <= System.nanoTime() && config.flushIntervalMs() <= 0) {
      // already due (zero latency, or a loop running late): emit now rather than queue one more task
      emit();
    } else {
      scheduleEmit();
    }
  }

  private long nextInterval() {
    long interval = PerformanceModel.decodeIntervalNanos(job.model, sim.decoding(job.model).get(),
        config.zeroLatency());
    interval = PerformanceModel.jittered(interval, config.jitter(), jitterRandom.nextDouble());
    if (inBatch) {
      // the prompts of other requests processed since the previous token hold this one back
      long booked = sim.promptBatch(job.model).booked();
      interval += booked - stallSeenNanos;
      stallSeenNanos = booked;
    }
    return interval;
  }

  private void scheduleEmit() {
    long due = nextDueNanos;
    long tick = config.flushIntervalMs() * 1_000_000L;
    if (tick > 0) {
      // one grid for all streams: their tokens go out together, several per write
      due = Math.floorDiv(due + tick - 1, tick) * tick;
    }
    long delay = due - System.nanoTime();
    if (delay <= 0) {
      loop.execute(emitTask);
    } else if (delay < CANCELLABLE_WAIT_NANOS) {
      // not kept: storing a fresh task per token in this long-lived object is a card for G1 to refine, and a
      // closed stream's last timer just finds it finished
      loop.schedule(emitTask, delay, TimeUnit.NANOSECONDS);
    } else {
      // a long wait (a stall fault): cancelled if the client leaves first
      pending = loop.schedule(emitTask, delay, TimeUnit.NANOSECONDS);
    }
  }

  /** Emits every token that is due (several when the loop was late), flushes once, re-arms the timer. */
  private void emit() {
    if (pending != null) {
      pending = null;
    }
    if (finished) {
      return;
    }
    long now = System.nanoTime();
    if (job.stream && !ctx.channel().isWritable()) {
      // a reader slower than the model: hold the tokens back as a real server blocked on its socket would,
      // instead of piling them up in memory
      loop.schedule(emitTask, 1, TimeUnit.MILLISECONDS);
      return;
    }
    if (pass != null && emitted == 0) {
      // prompts that joined this prompt's pass after it was booked make it end later
      long end = sim.promptBatch(job.model).endNanos(pass);
      if (end > promptEvalEndNanos) {
        nextDueNanos += end - promptEvalEndNanos;
        stallSeenNanos += end - promptEvalEndNanos; // those prompts held this one back already
        promptEvalEndNanos = end;
        if (nextDueNanos > now) {
          scheduleEmit();
          return;
        }
      }
      pass = null;
    }
    boolean wrote = false;
    while (emitted < job.outputTokens && nextDueNanos <= now) {
      byte[] token = TextSource.token(textRandom, emitted);
      if (job.stream) {
        if (!headersSent) {
          sendStreamHeaders();
        }
        writeChunk(token);
        wrote = true;
      } else {
        for (byte b : token) {
          text.append((char) b); // tokens are ASCII (TextSource)
        }
      }
      long at = System.nanoTime();
      if (emitted == tokenNanos.length) {
        tokenNanos = Arrays.copyOf(tokenNanos, Math.min(job.outputTokens, tokenNanos.length * 2));
      }
      tokenNanos[emitted] = at;
      if (emitted == 0) {
        firstTokenNanos = at;
      }
      emitted++;
      if (emitted == faultAt && job.fault != null && applyStreamFault()) {
        return;
      }
      if (emitted < job.outputTokens) {
        nextDueNanos += nextInterval();
      }
    }
    if (wrote) {
      ctx.flush();
    }
    if (emitted >= job.outputTokens && nextDueNanos <= System.nanoTime()) {
      finish();
    } else {
      scheduleEmit();
    }
  }

  /** @return true when the fault ended the request */
  private boolean applyStreamFault() {
    switch (job.fault) {
      case Faults.STALL -> nextDueNanos += config.faults().stallMs() * 1_000_000L;
      case Faults.MALFORMED -> {
        if (job.stream) {
          byte[] junk = job.endpoint.openAiShaped()
              ? "data: {\"id\":\"chatcmpl-\n\n".getBytes(StandardCharsets.US_ASCII)
              : "{\"model\":\"x\",\"created_at\":\n".getBytes(StandardCharsets.US_ASCII);
          ctx.write(new DefaultHttpContent(Unpooled.wrappedBuffer(junk)), ctx.voidPromise());
        }
      }
      case Faults.DISCONNECT -> {
        ctx.flush();
        endAbandoned();
        ctx.close();
        return true;
      }
      case Faults.ERROR_LINE -> {
        String message = "an error was encountered while running the model: unexpected EOF (simulated fault)";
        if (job.stream) {
          byte[] line = job.endpoint.openAiShaped()
              ? ("data: " + SimulatorHandler.errorBody(job.endpoint.family, config, 500, message) + "\n\n")
                  .getBytes(StandardCharsets.UTF_8)
              : (SimulatorHandler.errorBody(job.endpoint.family, config, 500, message) + "\n")
                  .getBytes(StandardCharsets.UTF_8);
          ctx.write(new DefaultHttpContent(Unpooled.wrappedBuffer(line)), ctx.voidPromise());
          endStream(true);
        } else {
          finished = true;
          release();
          respondError(500, message);
        }
        return true;
      }
      default -> {
        // faults applied before the stream began
      }
    }
    return false;
  }

  private void prepareChunkTemplates() {
    String model = SimulatorHandler.quote(job.modelName);
    String created = Long.toString(System.currentTimeMillis() / 1000);
    String fingerprint = SimulatorHandler.quote(SimulatorHandler.fingerprint(config, job.model));
    switch (job.endpoint) {
      case OLLAMA_CHAT -> {
        chunkPrefix = ascii("{\"model\":" + model + ",\"created_at\":\"");
        chunkMiddle = ascii("\",\"message\":{\"role\":\"assistant\",\"content\":\"");
        chunkSuffix = ascii("\"},\"done\":false}\n");
      }
      case OLLAMA_GENERATE -> {
        chunkPrefix = ascii("{\"model\":" + model + ",\"created_at\":\"");
        chunkMiddle = ascii("\",\"response\":\"");
        chunkSuffix = ascii("\",\"done\":false}\n");
      }
      case OPENAI_CHAT, LMSTUDIO_CHAT -> {
        chunkPrefix = ascii("data: {\"id\":\"" + openAiId() + "\",\"object\":\"chat.completion.chunk\",\"created\":"
            + created + ",\"model\":" + model + ",\"system_fingerprint\":" + fingerprint
            + ",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"");
        chunkSuffix = ascii("\"},\"logprobs\":null,\"finish_reason\":null}]}\n\n");
      }
      default -> {
        chunkPrefix = ascii("data: {\"id\":\"" + openAiId() + "\",\"object\":\"text_completion\",\"created\":"
            + created + ",\"model\":" + model + ",\"system_fingerprint\":" + fingerprint
            + ",\"choices\":[{\"index\":0,\"text\":\"");
        chunkSuffix = ascii("\",\"logprobs\":null,\"finish_reason\":null}]}\n\n");
      }
    }
  }

  /**
   * One token as one buffer, HTTP chunk framing included ({@code <hex size>\r\n<object>\r\n}), written past
   * the HTTP encoder. Through the encoder a token costs three buffers (size line, object, CRLF), three
   * outbound entries and a wrapper object; at 200,000 tokens/s that was a tenth of the simulator's CPU and
   * most of its young-to-old reference writes (G1 refinement). The encoder still writes the response head and
   * the terminating chunk, so its state stays right for the next request on the connection.
   */
  private void writeChunk(byte[] token) {
    byte[] stamp = chunkMiddle == null ? null : Timestamps.nowBytes();
    int size = chunkPrefix.length + token.length + chunkSuffix.length
        + (stamp == null ? 0 : stamp.length + chunkMiddle.length);
    if (wire == null) {
      ByteBuf buf = ctx.alloc().ioBuffer(size);
      writeObject(buf, stamp, token);
      ctx.write(new DefaultHttpContent(buf), ctx.voidPromise());
      return;
    }
    int hexDigits = (Integer.SIZE - Integer.numberOfLeadingZeros(size) + 3) / 4;
    ByteBuf buf = ctx.alloc().ioBuffer(hexDigits + 2 + size + 2);
    for (int shift = (hexDigits - 1) * 4; shift >= 0; shift -= 4) {
      buf.writeByte(HEX[(size >>> shift) & 0xf]);
    }
    buf.writeShort(CRLF);
    writeObject(buf, stamp, token);
    buf.writeShort(CRLF);
    wire.write(buf, wire.voidPromise());
  }

  private void writeObject(ByteBuf buf, byte[] stamp, byte[] token) {
    buf.writeBytes(chunkPrefix);
    if (stamp != null) {
      buf.writeBytes(stamp);
      buf.writeBytes(chunkMiddle);
    }
    buf.writeBytes(token);
    buf.writeBytes(chunkSuffix);
  }

  private void sendStreamHeaders() {
    headersSent = true;
    status = 200;
    HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
    if (job.endpoint.openAiShaped()) {
      response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream")
          .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE);
    } else {
      response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/x-ndjson");
    }
    HttpUtil.setTransferEncodingChunked(response, true);
    if (!job.keepConnection) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }
    ctx.write(response, ctx.voidPromise());
    wire = ctx.pipeline().context(LlmSimulator.HTTP_CODEC);
  }

  /** All tokens are out: final chunk(s) or the whole body. */
  private void finish() {
    finished = true;
    long end = System.nanoTime();
    release();
    Timings t = new Timings(end - job.arrivalNanos, loadNanos, promptEvalEndNanos - slotNanos,
        Math.max(0, end - promptEvalEndNanos));
    if (job.endpoint.kind == Endpoint.Kind.EMBED) {
      respond(200, SimulatorHandler.embeddingBody(job, config, t));
      return;
    }
    if (!job.stream) {
      if (Faults.DISCONNECT.equals(job.fault)) {
        endAbandoned();
        ctx.close();
        return;
      }
      byte[] body = finalBody(t, text == null ? "" : text.toString(), false);
      if (Faults.MALFORMED.equals(job.fault)) {
        String whole = new String(body, StandardCharsets.UTF_8);
        respond(200, whole.substring(0, whole.length() / 2));
      } else {
        respond(200, body);
      }
      return;
    }
    if (!headersSent) {
      sendStreamHeaders();
    }
    if (job.endpoint.openAiShaped()) {
      ctx.write(new DefaultHttpContent(Unpooled.wrappedBuffer(SSE_DATA, finalBody(t, "", true), SSE_EVENT_END)),
          ctx.voidPromise());
      if (job.includeUsage) {
        writeRaw("data: " + usageChunk() + "\n\n");
      }
      ctx.write(new DefaultHttpContent(Unpooled.wrappedBuffer(DONE)), ctx.voidPromise());
    } else {
      ctx.write(new DefaultHttpContent(Unpooled.wrappedBuffer(finalBody(t, "", true), NEWLINE)), ctx.voidPromise());
    }
    endStream(false);
  }

  private void writeRaw(String s) {
    ctx.write(new DefaultHttpContent(Unpooled.wrappedBuffer(s.getBytes(StandardCharsets.UTF_8))),
        ctx.voidPromise());
  }

  private void endStream(boolean errorLine) {
    finished = true;
    if (errorLine) {
      release();
    }
    // recorded before the write so the truth is there by the time the client has read the end
    record(System.nanoTime());
    if (job.keepConnection) {
      ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT, ctx.voidPromise());
    } else {
      ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener(ChannelFutureListener.CLOSE);
    }
  }

  private void respond(int code, String body) {
    respond(code, body.getBytes(StandardCharsets.UTF_8));
  }

  /** UTF-8 straight from the tree: no intermediate String (the non-streamed hot path). */
  private static byte[] bytes(ObjectNode node) {
    try {
      return SimulatorHandler.JSON.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise a JSON tree", e);
    }
  }

  private void respond(int code, byte[] body) {
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(code),
        Unpooled.wrappedBuffer(body));
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json; charset=utf-8");
    HttpUtil.setContentLength(response, response.content().readableBytes());
    status = code;
    record(System.nanoTime());
    if (job.keepConnection) {
      ctx.writeAndFlush(response, ctx.voidPromise());
    } else {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
  }

  private void respondError(int code, String message) {
    respond(code, SimulatorHandler.errorBody(job.endpoint.family, config, code, message));
  }

  private void failEarly(int code, String message) {
    finished = true;
    respondError(code, message);
  }

  /**
   * Watches the connection while this request is on it; removed once the request is recorded, or a
   * keep-alive connection would keep every request it ever served reachable (and make each young GC copy
   * them).
   */
  private final ChannelFutureListener closeListener = f -> onClosed();

  /** The connection was closed by the peer (or a fault). */
  private void onClosed() {
    if (finished) {
      return;
    }
    finished = true;
    if (pending != null) {
      pending.cancel(false);
    }
    release();
    record(System.nanoTime());
  }

  private void endAbandoned() {
    finished = true;
    release();
    record(System.nanoTime());
  }

  /** Gives the slot back (once), and the decode share it held. */
  private void release() {
    if (slotHeld) {
      slotHeld = false;
      if (slotNanos >= 0) {
        sim.decoding(job.model).decrementAndGet();
      }
      sim.scheduler().release(job.model, job.cachedPrompt,
          job.cachedPrompt == null ? null : PrefixCacheText.answer(job, emitted));
    }
  }

  private boolean recorded;

  private void record(long end) {
    if (recorded) {
      return;
    }
    recorded = true;
    ctx.channel().closeFuture().removeListener(closeListener);
    if (!sim.keepsTruth()) {
      return;
    }
    String api = switch (job.endpoint.family) {
      case OLLAMA -> "ollama";
      case LMSTUDIO -> "lmstudio";
      case OPENAI -> config.llamacppTimings() ? "llamacpp" : "openai";
    };
    sim.record(new RequestTruth(job.requestId, job.method, job.path, job.modelName, api, job.stream, status,
        job.arrivalNanos, slotNanos, firstTokenNanos, Arrays.copyOf(tokenNanos, emitted), end, job.promptTokens,
        emitted, job.fault));
  }

  // ---- bodies built once per request (Jackson) ----

  /** Server-side durations of one request, in nanoseconds. */
  record Timings(long total, long load, long promptEval, long eval) {
  }

  private String openAiId() {
    return (job.endpoint.kind == Endpoint.Kind.CHAT ? "chatcmpl-" : "cmpl-") + job.sequence;
  }

  /** The last object of a request: the whole body, or the final chunk of a stream. */
  private byte[] finalBody(Timings t, String content, boolean streamEnd) {
    return job.endpoint.family == Endpoint.Family.OLLAMA ? ollamaFinalBody(t, content)
        : bytes(openAiFinalBody(t, content, streamEnd));
  }

  /**
   * Ollama's last object, streamed straight to bytes: it is the whole non-streamed body, the hot path of
   * request-rate benchmarks, where building and walking a tree took 7 % of the simulator's CPU.
   */
  private byte[] ollamaFinalBody(Timings t, String content) {
    ByteArrayBuilder out = new ByteArrayBuilder(256 + content.length());
    try (JsonGenerator g = SimulatorHandler.JSON.getFactory().createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("model", job.modelName);
      g.writeStringField("created_at", Timestamps.now());
      if (job.endpoint.kind == Endpoint.Kind.CHAT) {
        g.writeObjectFieldStart("message");
        g.writeStringField("role", "assistant");
        g.writeStringField("content", content);
        g.writeEndObject();
        g.writeStringField("done_reason", job.doneReason);
        g.writeBooleanField("done", true);
      } else {
        g.writeStringField("response", content);
        g.writeBooleanField("done", true);
        g.writeStringField("done_reason", job.doneReason);
        g.writeArrayFieldStart("context");
        for (int i = 0; i < Math.min(8, job.promptTokens + emitted); i++) {
          g.writeNumber(128000 + i);
        }
        g.writeEndArray();
      }
      g.writeNumberField("total_duration", t.total());
      g.writeNumberField("load_duration", t.load());
      g.writeNumberField("prompt_eval_count", job.promptTokens);
      g.writeNumberField("prompt_eval_duration", t.promptEval());
      g.writeNumberField("eval_count", emitted);
      g.writeNumberField("eval_duration", t.eval());
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write a JSON body to memory", e);
    }
    return out.toByteArray();
  }

  private ObjectNode openAiFinalBody(Timings t, String content, boolean streamEnd) {
    ObjectNode root = SimulatorHandler.JSON.createObjectNode();
    boolean chat = job.endpoint.kind == Endpoint.Kind.CHAT;
    root.put("id", openAiId());
    root.put("object", chat ? (streamEnd ? "chat.completion.chunk" : "chat.completion") : "text_completion");
    root.put("created", System.currentTimeMillis() / 1000);
    root.put("model", job.modelName);
    root.put("system_fingerprint", SimulatorHandler.fingerprint(config, job.model));
    ObjectNode choice = root.putArray("choices").addObject();
    choice.put("index", 0);
    if (chat) {
      ObjectNode message = choice.putObject(streamEnd ? "delta" : "message");
      if (!streamEnd) {
        message.put("role", "assistant");
        message.put("content", content);
        message.putNull("refusal");
      }
    } else {
      choice.put("text", content);
    }
    choice.putNull("logprobs");
    String finishReason = "length".equals(job.doneReason) ? "length" : "stop";
    choice.put("finish_reason", finishReason);
    if (!streamEnd) {
      root.set("usage", usage());
    }
    if (config.llamacppTimings() && job.endpoint.family == Endpoint.Family.OPENAI) {
      ObjectNode timings = root.putObject("timings");
      double promptMs = t.promptEval() / 1e6;
      double predictedMs = t.eval() / 1e6;
      int promptN = job.promptTokens - cachedTokens();
      timings.put("cache_n", cachedTokens());
      timings.put("prompt_n", promptN);
      timings.put("prompt_ms", promptMs);
      timings.put("prompt_per_token_ms", promptN == 0 ? 0 : promptMs / promptN);
      timings.put("prompt_per_second", promptMs == 0 ? 0 : promptN * 1000 / promptMs);
      timings.put("predicted_n", emitted);
      timings.put("predicted_ms", predictedMs);
      timings.put("predicted_per_token_ms", emitted == 0 ? 0 : predictedMs / emitted);
      timings.put("predicted_per_second", predictedMs == 0 ? 0 : emitted * 1000 / predictedMs);
    }
    if (job.endpoint.family == Endpoint.Family.LMSTUDIO) {
      double ttft = firstTokenNanos < 0 ? 0 : (firstTokenNanos - job.arrivalNanos) / 1e9;
      double generation = firstTokenNanos < 0 ? 0 : (System.nanoTime() - firstTokenNanos) / 1e9;
      ObjectNode stats = root.putObject("stats");
      stats.put("tokens_per_second", t.eval() == 0 ? 0 : emitted / (t.eval() / 1e9));
      stats.put("time_to_first_token", ttft);
      stats.put("generation_time", generation);
      stats.put("stop_reason", "length".equals(job.doneReason) ? "maxPredictedTokensReached" : "eosFound");
      SimulatorHandler.lmStudioInfo(root, job.model);
    }
    return root;
  }

  private ObjectNode usage() {
    ObjectNode usage = SimulatorHandler.JSON.createObjectNode();
    usage.put("prompt_tokens", job.promptTokens);
    usage.put("completion_tokens", emitted);
    usage.put("total_tokens", job.promptTokens + emitted);
    if (job.cachedPrompt != null) {
      usage.putObject("prompt_tokens_details").put("cached_tokens", cachedTokens());
    }
    return usage;
  }

  private String usageChunk() {
    ObjectNode root = SimulatorHandler.JSON.createObjectNode();
    root.put("id", openAiId());
    root.put("object", job.endpoint.kind == Endpoint.Kind.CHAT ? "chat.completion.chunk" : "text_completion");
    root.put("created", System.currentTimeMillis() / 1000);
    root.put("model", job.modelName);
    root.put("system_fingerprint", SimulatorHandler.fingerprint(config, job.model));
    root.putArray("choices");
    root.set("usage", usage());
    return root.toString();
  }

  /** Prompt tokens the slot held already (prefix cache), which are not prefilled; 0 before the grant. */
  private int cachedTokens() {
    return PrefixCacheText.cachedTokens(job, config.charsPerToken());
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
