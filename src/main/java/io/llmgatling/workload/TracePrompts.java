package io.llmgatling.workload;

import java.util.SplittableRandom;

/**
 * The prompt text of a trace request ({@link Trace}): {@code input_length} tokens made of the request's
 * {@code hash_ids} blocks, each block the same text wherever its id appears (so requests sharing leading ids share a
 * prefix a server can cache), then text of the request's own for the tokens past its blocks.
 *
 * <p>Token count: the text is {@value #CHARS_PER_TOKEN} characters per token, exactly what the embedded simulator
 * counts (characters / 4, its default {@code charsPerToken}). The words are common short English words, each one token
 * with its leading space in the Llama 3, Qwen 2.5 and GPT (cl100k/o200k) vocabularies, averaging 4.1 characters with
 * the space: a real tokenizer should count about 2-3 % fewer tokens than {@code input_length} (not measured here: no
 * tokenizer ships with the project), plus the chat template's few tokens per message.
 */
public final class TracePrompts {
  /** Characters per token of the synthesized text, the simulator's default estimate. */
  public static final int CHARS_PER_TOKEN = 4;

  private static final String[] WORDS = ("a we he so do go if up my no me us the of and to in is that for it as with"
      + " was on be by this are at from or an but not you all can had her one our out day get has him his how man"
      + " new now old see two way who did its let put say she too use data time model when will more some what them"
      + " than then into only over such also back just made most very work year cache query load test").split(" ");

  private TracePrompts() {
  }

  /**
   * The prompt of a request: {@code inputLength × 4} characters.
   *
   * @param request   the trace request
   * @param blockSize tokens per {@code hash_ids} block
   * @param seed      the run's seed ({@code llm.seed}): the same seed writes the same texts
   * @return the text
   */
  public static String prompt(Trace.Request request, int blockSize, long seed) {
    int tokens = request.inputLength();
    StringBuilder text = new StringBuilder(tokens * CHARS_PER_TOKEN);
    int left = tokens;
    for (String id : request.hashIds()) {
      if (left == 0) {
        break;
      }
      int blockTokens = Math.min(blockSize, left);
      // a block's text depends on its id only: the first blockTokens tokens of the full block
      appendWords(text, blockSeed(seed, id), blockTokens * CHARS_PER_TOKEN);
      left -= blockTokens;
    }
    if (left > 0) {
      // past its blocks (or without any): text of this request's own, unlike any other request's
      appendWords(text, ownSeed(seed, request.line()), left * CHARS_PER_TOKEN);
    }
    return text.toString();
  }

  /** Appends exactly {@code chars} characters of words drawn from {@code seed}, each word followed by a space. */
  static void appendWords(StringBuilder text, long seed, int chars) {
    SplittableRandom random = new SplittableRandom(seed);
    int end = text.length() + chars;
    while (text.length() < end) {
      String word = WORDS[random.nextInt(WORDS.length)];
      text.append(word, 0, Math.min(word.length(), end - text.length()));
      if (text.length() < end) {
        text.append(' ');
      }
    }
  }

  private static long blockSeed(long seed, String id) {
    return mix(seed * 0x9E3779B97F4A7C15L + id.hashCode() + 0x632BE59BD9B4E019L * id.length());
  }

  private static long ownSeed(long seed, int line) {
    return mix(seed ^ 0xD1B54A32D192ED03L * (line + 1L)) ^ 0x5851F42D4C957F2DL;
  }

  /** SplitMix64's finalizer: nearby inputs give unrelated seeds. */
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
