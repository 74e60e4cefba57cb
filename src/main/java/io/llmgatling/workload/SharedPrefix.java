package io.llmgatling.workload;

import java.util.SplittableRandom;

/**
 * The text of {@code llm.sharedPrefix}: a system prompt of about the asked number of tokens, as a RAG or agent
 * system prompt would be (instructions, then reference notes), the same for every request of a run and drawn from
 * the run's seed. Written for this project. Length is reckoned at 4 characters a token (English text in the
 * common tokenizers, and the simulator's default {@code charsPerToken}).
 */
public final class SharedPrefix {
  /** Characters per token the length is reckoned at. */
  public static final int CHARS_PER_TOKEN = 4;

  private static final String HEAD = "You are the assistant of a small workshop that repairs bicycles, lamps and"
      + " radios. Answer from the reference notes below; say so when they do not cover a question.\nReference"
      + " notes:\n";
  private static final String[] SUBJECTS = {"The front hub", "A brass lamp base", "The tuning dial", "Each spoke",
      "The rear derailleur", "A ceramic socket", "The speaker cone", "The brake cable", "A fabric cord",
      "The valve amplifier", "The chain", "A glass shade", "The antenna coil", "Every bearing", "The battery clip"};
  private static final String[] VERBS = {"needs", "is checked for", "is cleaned before", "comes back with",
      "is replaced after", "is tested for", "is adjusted to", "is logged with", "is quoted with", "is sold with"};
  private static final String[] OBJECTS = {"a fresh layer of grease", "loose contacts", "a written estimate",
      "a two-week guarantee", "the original screws", "a continuity test", "a new washer", "the customer's consent",
      "a tension of about 110 kilograms", "a label naming the technician", "a photo of the fault",
      "a replacement fuse", "the spare parts kept in drawer four", "a short test ride", "an hour of burn-in"};
  private static final String[] TAILS = {"", " on weekdays", " unless the part is older than thirty years",
      " when the customer asks", " before it leaves the bench", " at no extra cost", " during the winter months"};

  private SharedPrefix() {
  }

  /**
   * A prefix of about {@code tokens} tokens ({@code tokens} × {@value #CHARS_PER_TOKEN} characters, cut at a word),
   * the same for the same seed; empty for 0.
   */
  public static String text(int tokens, long seed) {
    if (tokens <= 0) {
      return "";
    }
    int chars = tokens * CHARS_PER_TOKEN;
    SplittableRandom random = new SplittableRandom(seed ^ 0x5EED_9FE1_1A2BL);
    StringBuilder sb = new StringBuilder(chars + 120).append(HEAD);
    for (int note = 1; sb.length() < chars; note++) {
      sb.append(note).append(". ").append(pick(SUBJECTS, random)).append(' ').append(pick(VERBS, random))
          .append(' ').append(pick(OBJECTS, random)).append(pick(TAILS, random)).append(".\n");
    }
    if (sb.length() > chars) {
      int cut = sb.lastIndexOf(" ", chars);
      sb.setLength(cut > 0 ? cut : chars);
    }
    return sb.toString().strip();
  }

  private static String pick(String[] words, SplittableRandom random) {
    return words[random.nextInt(words.length)];
  }
}
