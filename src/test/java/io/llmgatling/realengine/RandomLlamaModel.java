package io.llmgatling.realengine;

import io.llmgatling.realengine.GgufWriter.TensorType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * A llama-architecture GGUF model with seeded random weights: real llama.cpp compute (attention, SwiGLU FFN,
 * RoPE, RMS norm, sampling over a real vocabulary), meaningless text. Nothing is downloaded and no weights are
 * committed: the same parameters and seed write the same bytes.
 *
 * <p>The tokenizer is a sentencepiece-style ({@code tokenizer.ggml.model = llama}) vocabulary: {@code <unk>},
 * {@code <s>}, {@code </s>}, the 256 byte-fallback tokens {@code <0x00>}..{@code <0xFF>}, the printable ASCII
 * characters, {@code ▁} and a few hundred English words with every prefix of each (so llama.cpp's SPM merges
 * reach them), scored so longer pieces win.
 *
 * @param layers   transformer blocks
 * @param dim      embedding length
 * @param heads    attention heads (head size = dim / heads)
 * @param kvHeads  key/value heads (grouped-query attention when fewer than heads)
 * @param ff       feed-forward length
 * @param context  the model's trained context length (llama.context_length)
 * @param type     tensor type of the matrices (norms stay F32)
 * @param seed     weight seed
 */
public record RandomLlamaModel(int layers, int dim, int heads, int kvHeads, int ff, int context, TensorType type,
    long seed) {

  /** The CI model: 4 blocks of 128, F32 (about 2 MB). */
  public static RandomLlamaModel tiny() {
    return of(4, 128, 42);
  }

  /** The benchmark model: 8 blocks of 512, F16 (about 55 MB): decode costs of a few ms per token on 1 core. */
  public static RandomLlamaModel larger() {
    return of(8, 512, 42).withType(TensorType.F16);
  }

  /** A model of {@code layers} blocks of {@code dim}, heads of 32, SwiGLU of about 8/3 dim, F32. */
  public static RandomLlamaModel of(int layers, int dim, long seed) {
    if (dim % 32 != 0 || dim < 32) {
      throw new IllegalArgumentException("dim must be a multiple of 32, got " + dim);
    }
    int heads = dim / 32;
    int ff = (int) Math.round(dim * 8.0 / 3 / 32) * 32;
    return new RandomLlamaModel(layers, dim, heads, heads, ff, 4096, TensorType.F32, seed);
  }

  public RandomLlamaModel withType(TensorType t) {
    return new RandomLlamaModel(layers, dim, heads, kvHeads, ff, context, t, seed);
  }

  /** The model's name, also its id on {@code /v1/models}. */
  public String id() {
    return "random-llama-" + layers + "x" + dim + "-" + type.name().toLowerCase() + "-s" + seed;
  }

  /** {@code dir/<id>.gguf}, written when missing. */
  public Path ensure(Path dir) throws IOException {
    Path file = dir.resolve(id() + ".gguf");
    if (!Files.exists(file)) {
      write(file);
    }
    return file;
  }

  /** The special and byte token ids fixed by the vocabulary layout. */
  public static final int UNK = 0;
  public static final int BOS = 1;
  public static final int EOS = 2;
  public static final int FIRST_BYTE = 3;

  /** Tokens a front should never let the random model sample (see {@link RealEngine}). */
  public static List<Integer> unwantedTokens() {
    List<Integer> ids = new ArrayList<>(List.of(UNK, BOS, EOS));
    for (int b = 0; b < 256; b++) {
      // bytes that are not printable ASCII or newline: a lone UTF-8 continuation byte is held back by
      // llama.cpp's streaming (incomplete character), which would put several tokens in one chunk
      if (b != '\n' && (b < 0x20 || b > 0x7e)) {
        ids.add(FIRST_BYTE + b);
      }
    }
    return ids;
  }

  static List<String> vocabulary() {
    Set<String> pieces = new LinkedHashSet<>();
    pieces.add("<unk>");
    pieces.add("<s>");
    pieces.add("</s>");
    for (int b = 0; b < 256; b++) {
      pieces.add(String.format("<0x%02X>", b));
    }
    pieces.add("\u2581");
    for (char c = 0x21; c < 0x7f; c++) {
      pieces.add(String.valueOf(c));
    }
    for (String w : WORDS.split("\\s+")) {
      String piece = "\u2581" + w;
      for (int i = 2; i <= piece.length(); i++) {
        pieces.add(piece.substring(0, i));
      }
      for (int i = 2; i <= w.length(); i++) {
        pieces.add(w.substring(0, i));
      }
    }
    return new ArrayList<>(pieces);
  }

  /** Writes the GGUF file. */
  public void write(Path file) throws IOException {
    List<String> vocab = vocabulary();
    int n = vocab.size();
    float[] scores = new float[n];
    int[] types = new int[n];
    for (int i = 0; i < n; i++) {
      String p = vocab.get(i);
      if (i == UNK) {
        types[i] = 2; // UNKNOWN
      } else if (i == BOS || i == EOS) {
        types[i] = 3; // CONTROL
      } else if (i < FIRST_BYTE + 256) {
        types[i] = 6; // BYTE
      } else {
        types[i] = 1; // NORMAL
        scores[i] = p.codePointCount(0, p.length()) - i * 1e-4f; // longer pieces merge first
      }
    }
    int headDim = dim / heads;
    GgufWriter w = new GgufWriter()
        .string("general.architecture", "llama")
        .string("general.name", id())
        .u32("general.file_type", type == TensorType.F32 ? 0 : 1)
        .u32("llama.context_length", context)
        .u32("llama.embedding_length", dim)
        .u32("llama.block_count", layers)
        .u32("llama.feed_forward_length", ff)
        .u32("llama.attention.head_count", heads)
        .u32("llama.attention.head_count_kv", kvHeads)
        .u32("llama.rope.dimension_count", headDim)
        .f32("llama.rope.freq_base", 10000f)
        .f32("llama.attention.layer_norm_rms_epsilon", 1e-5f)
        .u32("llama.vocab_size", n)
        .string("tokenizer.ggml.model", "llama")
        .strings("tokenizer.ggml.tokens", vocab)
        .floats("tokenizer.ggml.scores", scores)
        .ints("tokenizer.ggml.token_type", types)
        .u32("tokenizer.ggml.unknown_token_id", UNK)
        .u32("tokenizer.ggml.bos_token_id", BOS)
        .u32("tokenizer.ggml.eos_token_id", EOS)
        .bool("tokenizer.ggml.add_bos_token", true)
        .bool("tokenizer.ggml.add_eos_token", false)
        .string("tokenizer.chat_template", CHAT_TEMPLATE);
    int kvDim = headDim * kvHeads;
    SplittableRandom root = new SplittableRandom(seed);
    w.tensor("token_embd.weight", type, gaussian(root.split(), 1.0), dim, n);
    w.tensor("output_norm.weight", TensorType.F32, constant(1f), dim);
    w.tensor("output.weight", type, gaussian(root.split(), 0.02), dim, n);
    for (int l = 0; l < layers; l++) {
      String b = "blk." + l + ".";
      w.tensor(b + "attn_norm.weight", TensorType.F32, constant(1f), dim);
      w.tensor(b + "attn_q.weight", type, gaussian(root.split(), 0.02), dim, dim);
      w.tensor(b + "attn_k.weight", type, gaussian(root.split(), 0.02), dim, kvDim);
      w.tensor(b + "attn_v.weight", type, gaussian(root.split(), 0.02), dim, kvDim);
      w.tensor(b + "attn_output.weight", type, gaussian(root.split(), 0.02), dim, dim);
      w.tensor(b + "ffn_norm.weight", TensorType.F32, constant(1f), dim);
      w.tensor(b + "ffn_gate.weight", type, gaussian(root.split(), 0.02), dim, ff);
      w.tensor(b + "ffn_up.weight", type, gaussian(root.split(), 0.02), dim, ff);
      w.tensor(b + "ffn_down.weight", type, gaussian(root.split(), 0.02), ff, dim);
    }
    w.write(file);
  }

  private static GgufWriter.Filler gaussian(SplittableRandom random, double std) {
    return (chunk, first) -> {
      for (int i = 0; i < chunk.length; i++) {
        chunk[i] = (float) (random.nextGaussian() * std);
      }
    };
  }

  private static GgufWriter.Filler constant(float v) {
    return (chunk, first) -> java.util.Arrays.fill(chunk, v);
  }

  /** ChatML, the format the front renders messages in (llama.cpp recognises this template). */
  static final String CHAT_TEMPLATE = "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n'"
      + " + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}"
      + "{{ '<|im_start|>assistant\\n' }}{% endif %}";

  private static final String WORDS = """
      the of and to in is was it for that on as with by he at from his an were are which this be or has had not
      first one their its new after but who they have her she two been other when there all during into school
      time may years more most only over city some world would where later up such used many can state about
      national out known university united then made well what people could between also each because through
      system model server token tokens request requests latency load test queue slot slots answer question
      write explain summary document code function value number data user users time times fast slow cache
      memory prompt output input stream streams first last every small large long short good best simple
      result results value values work works working make makes made like just than them these those very
      how why what which while where here there because before after under over again never always often
      """;
}
