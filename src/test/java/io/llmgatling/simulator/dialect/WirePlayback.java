package io.llmgatling.simulator.dialect;

import io.llmgatling.simulator.TextSource;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Plays a wire's hooks in the order the engine calls them for a stream (start; reasoning start, tokens, end;
 * answer start, tokens, end, or a tool call's start, argument pieces, end; stream end) and returns the bytes, so
 * that a wire's frames can be read by the client dialect and the SDKs without the engine.
 */
public final class WirePlayback {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final WireFormat wire;

  private WirePlayback(WireFormat wire) {
    this.wire = wire;
  }

  /**
   * A stream of {@code reasoning} thinking tokens, then {@code answer} answer tokens (or, with {@code call}, the
   * call's arguments in pieces of 4 characters), drawn from {@code textSeed} as the engine draws them.
   */
  public static String stream(WireFormat wire, long textSeed, int reasoning, int answer, ToolCallPlan call,
      Outcome outcome) {
    WirePlayback p = new WirePlayback(wire);
    p.frames(wire.streamStart());
    int index = 0;
    if (reasoning > 0) {
      p.frames(wire.reasoningStart());
      ChunkTemplate t = wire.reasoningTemplate();
      for (int i = 0; i < reasoning; i++) {
        p.token(t, TextSource.text(textSeed, index++, 1));
      }
      p.frames(wire.reasoningEnd());
    }
    if (call != null) {
      p.frames(wire.toolCallStart(call));
      ChunkTemplate t = wire.toolCallTemplate();
      String args = call.argumentsJson();
      for (int i = 0; i < args.length(); i += 4) {
        String piece = Frames.quote(args.substring(i, Math.min(args.length(), i + 4)));
        p.token(t, piece.substring(1, piece.length() - 1));
      }
      p.frames(wire.toolCallEnd(call));
    } else {
      p.frames(wire.answerStart());
      ChunkTemplate t = wire.chunkTemplate();
      for (int i = 0; i < answer; i++) {
        p.token(t, TextSource.text(textSeed, index++, 1));
      }
      p.frames(wire.answerEnd());
    }
    p.frames(wire.streamEnd(outcome));
    return p.out.toString(StandardCharsets.UTF_8);
  }

  /** An outcome of these counts ({@code length} when {@code capped}). */
  public static Outcome outcome(int prompt, int output, int reasoning, Integer cached, boolean capped) {
    return new Outcome(prompt, output, capped ? "length" : "stop", 1_000_000, 0, 100_000, 800_000, 0, 10, cached,
        reasoning);
  }

  private void frames(List<byte[]> frames) {
    frames.forEach(out::writeBytes);
  }

  private void token(ChunkTemplate t, String token) {
    out.writeBytes(t.prefix());
    if (t.middle() != null) {
      out.writeBytes(wire.stamp());
      out.writeBytes(t.middle());
    }
    out.writeBytes(token.getBytes(StandardCharsets.UTF_8));
    out.writeBytes(t.suffix());
  }
}
