package io.llmgatling.simulator;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.SplittableRandom;

/**
 * The words a simulated model says and the vectors it embeds, both drawn from seeded generators so a run
 * can be replayed. Words are plain ASCII (nothing to escape in JSON) and pre-encoded once.
 */
public final class TextSource {
  private static final String[] WORDS = ("the of and to in is that for it as with was on be by this are at "
      + "from or an model which can have not more one all their will about also when there time other "
      + "system data first into these new two may use each such than only most some used based between "
      + "results process number high well large within both through value over performance request token "
      + "server load test latency stream answer context memory batch cache queue slot decode prompt").split(" ");

  /** Tokens as they appear after the first one: a leading space. */
  static final byte[][] TOKENS = new byte[WORDS.length][];
  /** First token of an answer: capitalised, no leading space. */
  static final byte[][] FIRST_TOKENS = new byte[WORDS.length][];
  static final int MAX_TOKEN_BYTES;

  static {
    int max = 0;
    for (int i = 0; i < WORDS.length; i++) {
      TOKENS[i] = (" " + WORDS[i]).getBytes(StandardCharsets.US_ASCII);
      FIRST_TOKENS[i] = (Character.toUpperCase(WORDS[i].charAt(0)) + WORDS[i].substring(1))
          .getBytes(StandardCharsets.US_ASCII);
      max = Math.max(max, TOKENS[i].length);
    }
    MAX_TOKEN_BYTES = max;
  }

  private TextSource() {
  }

  /**
   * The bytes of token {@code index} of an answer drawn from {@code random} (public for wires that repeat a streamed
   * answer's text in their last event, as LM Studio v1's {@code chat.end}).
   */
  public static byte[] token(SplittableRandom random, int index) {
    int w = random.nextInt(WORDS.length);
    return index == 0 ? FIRST_TOKENS[w] : TOKENS[w];
  }

  /**
   * Tokens {@code [from, from + count)} of the answer drawn from {@code textSeed}, as the engine draws them one
   * after the other: for wires whose last frame repeats the whole text (Responses' terminal event), which the
   * engine streamed without keeping it.
   */
  public static String text(long textSeed, int from, int count) {
    SplittableRandom random = new SplittableRandom(textSeed);
    StringBuilder text = new StringBuilder(Math.max(0, count) * 6);
    for (int i = 0; i < from + count; i++) {
      byte[] token = token(random, i);
      if (i >= from) {
        for (byte b : token) {
          text.append((char) b); // tokens are ASCII
        }
      }
    }
    return text.toString();
  }

  /** A deterministic embedding of a text: unit length when {@code normalize}. */
  public static float[] embedding(String text, int dimensions, long seed, boolean normalize) {
    SplittableRandom random = new SplittableRandom(seed ^ (text == null ? 0 : text.hashCode() * 0x9E3779B97F4A7C15L));
    float[] v = new float[dimensions];
    double norm = 0;
    for (int i = 0; i < dimensions; i++) {
      v[i] = (float) (random.nextDouble() * 2 - 1);
      norm += v[i] * v[i];
    }
    if (normalize && norm > 0) {
      float inv = (float) (1 / Math.sqrt(norm));
      for (int i = 0; i < dimensions; i++) {
        v[i] *= inv;
      }
    }
    return v;
  }

  /** OpenAI's base64 encoding of a vector: little-endian float32. */
  public static String base64(float[] vector) {
    ByteBuffer bytes = ByteBuffer.allocate(vector.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float f : vector) {
      bytes.putFloat(f);
    }
    return Base64.getEncoder().encodeToString(bytes.array());
  }
}
