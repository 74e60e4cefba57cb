package io.llmgatling.simulator;

import io.llmgatling.simulator.dialect.ChunkTemplate;
import io.llmgatling.simulator.dialect.Frames;
import io.llmgatling.simulator.dialect.ToolCallPlan;
import io.llmgatling.simulator.dialect.Kind;
import io.llmgatling.simulator.dialect.Outcome;
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
  /** The model's pace depends on its slots' context: this stream's tokens are counted there while it holds a slot. */
  private final boolean contextPaced;
  /** Tokens this stream added to its model's context count (its prompt, then each token generated). */
  private long contextAdded;

  // --- the thinking phase (GenerationRequest.reasoningTokens): see phase()
  /** The token index at which the phase changes next (answer start; the thinking phase and its tags). */
  private int nextPhaseAt;
  /** The text of the next tokens instead of generated text ({@code <think>} / {@code </think>}), or null. */
  private byte[] forcedToken;
  /** The wire has no reasoning field: the thinking goes out as content between {@code <think>} tags. */
  private boolean thinkTags;
  private ChunkTemplate answerTemplate;
  /** Non-streamed: where the answer starts in {@link #text} (-1: not yet). */
  private int answerChars = -1;
  private static final byte[] THINK_OPEN = "<think>".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] THINK_CLOSE = "</think>".getBytes(StandardCharsets.US_ASCII);

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
    this.contextPaced = job.model.pacedByContext() && !config.zeroLatency();
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
    if (job.stream && !config.headersOnFirstToken() && job.kind != Kind.EMBED) {
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
    if (contextPaced) {
      sim.contextStreams(job.model).incrementAndGet();
      contextAdded = Math.max(0, job.promptTokens);
      sim.contextTokens(job.model).addAndGet(contextAdded);
    }
    long prefill = PerformanceModel.prefillNanos(job.model, job.promptTokens, cachedTokens(), sim.inServer(job.model),
        config.zeroLatency());
    prefill = job.model.prefillJitter() != null
        ? PerformanceModel.logNormal(prefill, job.model.prefillJitter(), jitterRandom.nextGaussian())
        : PerformanceModel.jittered(prefill, config.jitter(), jitterRandom.nextDouble());
    if (inBatch) {
      PromptBatch batch = sim.promptBatch(job.model);
      pass = batch.book(slot, prefill);
      promptEvalEndNanos = batch.endNanos(pass);
      stallSeenNanos = batch.booked();
    } else {
      promptEvalEndNanos = slot + prefill;
    }
    if (job.kind == Kind.EMBED || job.outputTokens == 0) {
      nextDueNanos = promptEvalEndNanos;
    } else {
      thinkTags = job.reasoningTokens > 0 && job.wire.reasoningTemplate() == null;
      if (job.stream) {
        prepareChunkTemplates();
      } else {
        text = new StringBuilder(Math.min(job.outputTokens, 4096) * 6);
      }
      // a prompt in the decode batch gives its first token with its pass (llama.cpp samples it from the pass's logits)
      nextDueNanos = inBatch ? promptEvalEndNanos : promptEvalEndNanos + nextInterval();
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
    if (contextPaced) {
      interval += PerformanceModel.contextNanos(job.model, sim.contextStreams(job.model).get(),
          sim.contextTokens(job.model).get(), false);
    }
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
      if (emitted == nextPhaseAt) {
        phase();
      }
      if (job.scriptedPieces != null && emitted >= job.reasoningTokens) {
        emitScripted();
        wrote |= job.stream;
      } else {
        byte[] token = forcedToken != null ? forcedToken : TextSource.token(textRandom, emitted);
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
      if (contextPaced) {
        contextAdded++;
        sim.contextTokens(job.model).incrementAndGet();
      }
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
          ctx.write(new DefaultHttpContent(Unpooled.wrappedBuffer(job.wire.malformedFrame())), ctx.voidPromise());
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
          ctx.write(new DefaultHttpContent(Unpooled.wrappedBuffer(job.wire.errorFrame(message))), ctx.voidPromise());
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
    answerTemplate = job.toolCall != null ? job.wire.toolCallTemplate() : job.wire.chunkTemplate();
    useTemplate(answerTemplate);
  }

  /** Tokens go out through {@code template}; null: a tool call sent whole (its pieces go out in toolCallEnd). */
  private void useTemplate(ChunkTemplate template) {
    if (template == null) {
      chunkPrefix = null;
      chunkMiddle = null;
      chunkSuffix = null;
      return;
    }
    chunkPrefix = template.prefix();
    chunkMiddle = template.middle();
    chunkSuffix = template.suffix();
  }

  /**
   * The token about to go out ({@link #emitted}) starts a phase: the thinking phase (its start frames, its
   * template, or the {@code <think>} tag token when the wire has no reasoning field), the closing tag, the answer
   * (the thinking's end frames, the answer's start frames). Called at {@link #nextPhaseAt} only, so a token between
   * costs one comparison.
   */
  private void phase() {
    int r = job.reasoningTokens;
    if (job.stream && !headersSent) {
      sendStreamHeaders();
    }
    if (emitted < r) {
      if (emitted == 0) {
        if (job.stream) {
          writeFrames(job.wire.reasoningStart());
          if (!thinkTags) {
            useTemplate(job.wire.reasoningTemplate());
          }
        }
        if (!thinkTags) {
          nextPhaseAt = r;
          return;
        }
        forcedToken = THINK_OPEN;
        nextPhaseAt = 1;
      } else if (emitted < r - 1) {
        forcedToken = null;
        nextPhaseAt = r - 1;
      } else {
        forcedToken = THINK_CLOSE;
        nextPhaseAt = r;
      }
      return;
    }
    forcedToken = null;
    nextPhaseAt = Integer.MAX_VALUE;
    if (job.stream) {
      if (r > 0) {
        writeFrames(job.wire.reasoningEnd());
        useTemplate(answerTemplate);
      }
      if (job.toolCall == null) { // a call opens with toolCallStart instead
        writeFrames(job.wire.answerStart());
      }
    } else {
      answerChars = text.length();
    }
  }

  /** The frames closing the phase the stream ended in: the answer's, or the thinking's when the cap cut it. */
  private void endPhase() {
    if (nextPhaseAt == Integer.MAX_VALUE) {
      if (job.toolCall == null) { // a call closes with toolCallEnd instead
        writeFrames(job.wire.answerEnd());
      }
    } else if (emitted > 0 && job.reasoningTokens > 0) {
      writeFrames(job.wire.reasoningEnd());
    }
  }

  private void writeFrames(java.util.List<byte[]> frames) {
    for (byte[] frame : frames) {
      ctx.write(new DefaultHttpContent(Unpooled.wrappedBuffer(frame)), ctx.voidPromise());
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
    byte[] stamp = chunkMiddle == null ? null : job.wire.stamp();
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
    job.wire.streamHeaders(response.headers());
    HttpUtil.setTransferEncodingChunked(response, true);
    if (!job.keepConnection) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }
    ctx.write(response, ctx.voidPromise());
    for (byte[] frame : job.wire.streamStart()) {
      ctx.write(new DefaultHttpContent(Unpooled.wrappedBuffer(frame)), ctx.voidPromise());
    }
    wire = ctx.pipeline().context(LlmSimulator.HTTP_CODEC);
  }

  /** All tokens are out: final chunk(s) or the whole body. */
  private void finish() {
    finished = true;
    long end = System.nanoTime();
    release();
    Outcome outcome = new Outcome(job.promptTokens, emitted, job.doneReason, end - job.arrivalNanos, loadNanos,
        promptEvalEndNanos - slotNanos, Math.max(0, end - promptEvalEndNanos), job.arrivalNanos, firstTokenNanos,
        job.cachedPrompt == null ? null : cachedTokens(), Math.min(emitted, job.reasoningTokens));
    if (job.kind == Kind.EMBED) {
      respond(200, job.wire.embeddingBody(outcome));
      return;
    }
    if (!job.stream) {
      if (Faults.DISCONNECT.equals(job.fault)) {
        endAbandoned();
        ctx.close();
        return;
      }
      byte[] body = job.toolCall != null ? job.wire.toolCallBody(outcome, text == null ? "" : text.toString(),
          emittedCall())
          : job.reasoningTokens > 0 && text != null ? reasoningBody(outcome)
          : job.wire.body(outcome, text == null ? "" : text.toString());
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
    endPhase();
    if (job.toolCall != null && emitted > job.reasoningTokens) {
      for (byte[] frame : job.wire.toolCallEnd(emittedCall())) {
        ctx.write(new DefaultHttpContent(Unpooled.wrappedBuffer(frame)), ctx.voidPromise());
      }
    }
    for (byte[] frame : job.wire.streamEnd(outcome)) {
      ctx.write(new DefaultHttpContent(Unpooled.wrappedBuffer(frame)), ctx.voidPromise());
    }
    endStream(false);
  }

  /** A non-streamed answer after thinking: the thinking in the API's field, or as tagged content without one. */
  private byte[] reasoningBody(Outcome outcome) {
    String all = text.toString();
    if (thinkTags) {
      return job.wire.body(outcome, all);
    }
    int split = answerChars < 0 ? all.length() : answerChars;
    return job.wire.body(outcome, all.substring(0, split), all.substring(split));
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
    respond(code, job.wire.errorBody(code, message));
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
        if (contextPaced) {
          sim.contextStreams(job.model).decrementAndGet();
          sim.contextTokens(job.model).addAndGet(-contextAdded);
          contextAdded = 0;
        }
      }
      sim.scheduler().release(job.model, job.cachedPrompt,
          job.cachedPrompt == null ? null : PrefixCacheText.answer(job, emitted), emitted);
    }
  }

  private boolean recorded;

  private void record(long end) {
    if (recorded) {
      return;
    }
    recorded = true;
    // llama-server's prompt_tokens_total counts the prompt tokens it evaluated: the cached prefix is not
    sim.gauges().finished(job.promptTokens - (job.cachedPrompt == null ? 0 : cachedTokens()), emitted);
    ctx.channel().closeFuture().removeListener(closeListener);
    if (!sim.keepsTruth()) {
      return;
    }
    sim.record(new RequestTruth(job.requestId, job.method, job.path, job.modelName, job.api, job.stream, status,
        job.arrivalNanos, slotNanos, firstTokenNanos, Arrays.copyOf(tokenNanos, emitted), end, job.promptTokens,
        emitted, job.fault, Math.min(emitted, job.reasoningTokens)));
  }

  // ---- scripted answers: tool calls and structured output (text decided up front, one piece a token) ----

  /** The arguments' text sent so far (all of it unless the cap cut the call short). */
  private StringBuilder scriptedSoFar;

  /**
   * One piece of a scripted answer: a tool call's arguments (its opening frames before the first piece; written
   * through the wire's tool-call template, or held back for {@code toolCallEnd} when the API sends calls whole) or
   * a structured answer's JSON text (through the ordinary chunk template, JSON-string-escaped).
   */
  private void emitScripted() {
    String piece = job.scriptedPieces[emitted - job.reasoningTokens];
    if (scriptedSoFar == null) {
      scriptedSoFar = new StringBuilder();
    }
    scriptedSoFar.append(piece);
    if (!job.stream) {
      if (job.toolCall == null) {
        text.append(piece);
      }
      return;
    }
    if (!headersSent) {
      sendStreamHeaders();
    }
    if (emitted == job.reasoningTokens && job.toolCall != null) {
      for (byte[] frame : job.wire.toolCallStart(job.toolCall)) {
        ctx.write(new DefaultHttpContent(Unpooled.wrappedBuffer(frame)), ctx.voidPromise());
      }
    }
    if (chunkPrefix != null) {
      String quoted = Frames.quote(piece);
      writeChunk(quoted.substring(1, quoted.length() - 1).getBytes(StandardCharsets.UTF_8));
    }
  }

  /** The call as generated: its arguments are what went out (cut short when the cap ended the answer). */
  private ToolCallPlan emittedCall() {
    String arguments = scriptedSoFar == null ? "" : scriptedSoFar.toString();
    return new ToolCallPlan(job.toolCall.id(), job.toolCall.name(), arguments);
  }

  /** Prompt tokens the slot held already (prefix cache), which are not prefilled; 0 before the grant. */
  private int cachedTokens() {
    return PrefixCacheText.cachedTokens(job, config.charsPerToken(), config.messageTokens());
  }
}
