package io.llmgatling.realengine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The GGUF layout of ggml's docs/gguf.md, read back field by field; and the seeded model's determinism. */
class GgufWriterTest {

  @TempDir
  Path dir;

  @Test
  void should_convert_floats_to_ieee_half_precision() {
    assertThat(GgufWriter.toHalf(1f)).isEqualTo((short) 0x3c00);
    assertThat(GgufWriter.toHalf(-2f)).isEqualTo((short) 0xc000);
    assertThat(GgufWriter.toHalf(0.5f)).isEqualTo((short) 0x3800);
    assertThat(GgufWriter.toHalf(65504f)).isEqualTo((short) 0x7bff);
    assertThat(GgufWriter.toHalf(1e6f)).isEqualTo((short) 0x7c00); // overflow: infinity
    assertThat(GgufWriter.toHalf(0f)).isEqualTo((short) 0);
    assertThat(GgufWriter.toHalf(5.9604645e-8f)).isEqualTo((short) 1); // smallest subnormal
    assertThat(GgufWriter.toHalf(0.1f)).isEqualTo((short) 0x2e66); // rounded to nearest
  }

  @Test
  void should_write_header_metadata_and_aligned_tensors() throws Exception {
    Path file = dir.resolve("m.gguf");
    new GgufWriter().string("general.architecture", "llama").u32("llama.block_count", 2)
        .tensor("a", GgufWriter.TensorType.F32, (c, first) -> {
          for (int i = 0; i < c.length; i++) {
            c[i] = first + i;
          }
        }, 3)
        .tensor("b", GgufWriter.TensorType.F16, (c, first) -> java.util.Arrays.fill(c, 1f), 5, 2)
        .write(file);
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
    assertThat(new String(new byte[] {b.get(), b.get(), b.get(), b.get()}, StandardCharsets.US_ASCII))
        .isEqualTo("GGUF");
    assertThat(b.getInt()).isEqualTo(3);
    assertThat(b.getLong()).isEqualTo(2); // tensors
    long kvs = b.getLong();
    Map<String, Object> meta = new LinkedHashMap<>();
    for (int i = 0; i < kvs; i++) {
      String key = str(b);
      int type = b.getInt();
      meta.put(key, type == 8 ? str(b) : type == 4 ? (Object) b.getInt() : null);
    }
    assertThat(meta).containsEntry("general.architecture", "llama").containsEntry("llama.block_count", 2)
        .containsEntry("general.alignment", 32);
    long[] offsets = new long[2];
    for (int t = 0; t < 2; t++) {
      str(b);
      int dims = b.getInt();
      for (int d = 0; d < dims; d++) {
        b.getLong();
      }
      b.getInt();
      offsets[t] = b.getLong();
    }
    assertThat(offsets).containsExactly(0, 32); // 12 bytes of F32, padded to 32
    long dataStart = GgufWriter.align(b.position());
    assertThat(b.getFloat((int) dataStart + 8)).isEqualTo(2f);
    assertThat(b.getShort((int) (dataStart + offsets[1]))).isEqualTo((short) 0x3c00);
    assertThat(Files.size(file)).isEqualTo(dataStart + 32 + 32); // 20 bytes of F16, padded
  }

  @Test
  void should_write_the_same_bytes_for_the_same_seed() throws Exception {
    RandomLlamaModel spec = RandomLlamaModel.of(1, 32, 7);
    spec.write(dir.resolve("a.gguf"));
    spec.write(dir.resolve("b.gguf"));
    RandomLlamaModel.of(1, 32, 8).write(dir.resolve("c.gguf"));
    assertThat(Files.mismatch(dir.resolve("a.gguf"), dir.resolve("b.gguf"))).isEqualTo(-1);
    assertThat(Files.mismatch(dir.resolve("a.gguf"), dir.resolve("c.gguf"))).isNotEqualTo(-1);
  }

  @Test
  void should_reach_every_word_of_the_vocabulary_through_its_prefixes() {
    var vocab = RandomLlamaModel.vocabulary();
    assertThat(vocab.subList(0, 3)).containsExactly("<unk>", "<s>", "</s>");
    assertThat(vocab.get(RandomLlamaModel.FIRST_BYTE + 0x0a)).isEqualTo("<0x0A>");
    assertThat(vocab).contains("\u2581t", "\u2581th", "\u2581the").doesNotHaveDuplicates();
  }

  private static String str(ByteBuffer b) {
    byte[] s = new byte[(int) b.getLong()];
    b.get(s);
    return new String(s, StandardCharsets.UTF_8);
  }
}
