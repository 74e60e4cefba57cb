package io.llmgatling.realengine;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Writes a GGUF file (version 3, little-endian) as ggml's docs/gguf.md specifies it: header, metadata key/values,
 * tensor infos, padding to {@code general.alignment} (32), then the tensor data, each tensor at an offset that is
 * a multiple of the alignment. Tensor data is produced by a callback while writing, so a model of hundreds of MB
 * never sits in memory.
 */
public final class GgufWriter {
  /** ggml tensor types used here (ggml_type). */
  public enum TensorType {
    F32(0, 4), F16(1, 2);

    final int id;
    final int bytes;

    TensorType(int id, int bytes) {
      this.id = id;
      this.bytes = bytes;
    }
  }

  /** Fills {@code count} values of a tensor, in ggml order (ne0 fastest). */
  public interface Filler {
    void fill(float[] chunk, long firstIndex);
  }

  private record Tensor(String name, long[] dims, TensorType type, Filler filler) {
    long elements() {
      long n = 1;
      for (long d : dims) {
        n *= d;
      }
      return n;
    }
  }

  // gguf_metadata_value_type
  private static final int UINT32 = 4;
  private static final int INT32 = 5;
  private static final int FLOAT32 = 6;
  private static final int BOOL = 7;
  private static final int STRING = 8;
  private static final int ARRAY = 9;

  static final int ALIGNMENT = 32;

  private final Map<String, Consumer<Out>> metadata = new LinkedHashMap<>();
  private final List<Tensor> tensors = new ArrayList<>();

  public GgufWriter u32(String key, long value) {
    metadata.put(key, o -> {
      o.i32(UINT32);
      o.i32((int) value);
    });
    return this;
  }

  public GgufWriter f32(String key, float value) {
    metadata.put(key, o -> {
      o.i32(FLOAT32);
      o.f32(value);
    });
    return this;
  }

  public GgufWriter bool(String key, boolean value) {
    metadata.put(key, o -> {
      o.i32(BOOL);
      o.u8(value ? 1 : 0);
    });
    return this;
  }

  public GgufWriter string(String key, String value) {
    metadata.put(key, o -> {
      o.i32(STRING);
      o.str(value);
    });
    return this;
  }

  public GgufWriter strings(String key, List<String> values) {
    metadata.put(key, o -> {
      o.i32(ARRAY);
      o.i32(STRING);
      o.i64(values.size());
      values.forEach(o::str);
    });
    return this;
  }

  public GgufWriter floats(String key, float[] values) {
    metadata.put(key, o -> {
      o.i32(ARRAY);
      o.i32(FLOAT32);
      o.i64(values.length);
      for (float v : values) {
        o.f32(v);
      }
    });
    return this;
  }

  public GgufWriter ints(String key, int[] values) {
    metadata.put(key, o -> {
      o.i32(ARRAY);
      o.i32(INT32);
      o.i64(values.length);
      for (int v : values) {
        o.i32(v);
      }
    });
    return this;
  }

  /**
   * Adds a tensor.
   *
   * @param dims ggml dimensions, ne0 first (a {@code [n_embd, n_vocab]} matrix has rows of n_embd values)
   */
  public GgufWriter tensor(String name, TensorType type, Filler filler, long... dims) {
    tensors.add(new Tensor(name, dims.clone(), type, filler));
    return this;
  }

  /** Writes the file (through a temporary file, moved into place at the end). */
  public void write(Path file) throws IOException {
    u32("general.alignment", ALIGNMENT);
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.createDirectories(file.toAbsolutePath().getParent());
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
        StandardOpenOption.WRITE)) {
      Out out = new Out(ch);
      out.u8('G');
      out.u8('G');
      out.u8('U');
      out.u8('F');
      out.i32(3);
      out.i64(tensors.size());
      out.i64(metadata.size());
      metadata.forEach((k, v) -> {
        out.str(k);
        v.accept(out);
      });
      long offset = 0;
      for (Tensor t : tensors) {
        out.str(t.name);
        out.i32(t.dims.length);
        for (long d : t.dims) {
          out.i64(d);
        }
        out.i32(t.type.id);
        out.i64(offset);
        offset = align(offset + t.elements() * t.type.bytes);
      }
      out.padTo(align(out.position()));
      for (Tensor t : tensors) {
        long start = out.position();
        writeData(out, t);
        out.padTo(start + align(t.elements() * t.type.bytes));
      }
      out.flush();
    }
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private static void writeData(Out out, Tensor t) {
    int chunk = 1 << 16;
    float[] values = new float[chunk];
    long n = t.elements();
    for (long first = 0; first < n; first += chunk) {
      int len = (int) Math.min(chunk, n - first);
      float[] buf = len == chunk ? values : new float[len];
      t.filler.fill(buf, first);
      for (int i = 0; i < len; i++) {
        if (t.type == TensorType.F32) {
          out.f32(buf[i]);
        } else {
          out.u16(toHalf(buf[i]));
        }
      }
    }
  }

  static long align(long n) {
    return (n + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
  }

  /** IEEE 754 binary16, round to nearest even (Java 17 has no Float.floatToFloat16). */
  static short toHalf(float f) {
    int bits = Float.floatToIntBits(f);
    int sign = (bits >>> 16) & 0x8000;
    int exp = ((bits >>> 23) & 0xff) - 127 + 15;
    int mant = bits & 0x7fffff;
    if (((bits >>> 23) & 0xff) == 0xff) {
      return (short) (sign | 0x7c00 | (mant != 0 ? 0x200 : 0));
    }
    if (exp >= 0x1f) {
      return (short) (sign | 0x7c00);
    }
    if (exp <= 0) {
      if (exp < -10) {
        return (short) sign;
      }
      mant |= 0x800000;
      int shift = 14 - exp;
      int half = mant >>> shift;
      int rem = mant & ((1 << shift) - 1);
      int mid = 1 << (shift - 1);
      if (rem > mid || (rem == mid && (half & 1) != 0)) {
        half++;
      }
      return (short) (sign | half);
    }
    int half = (exp << 10) | (mant >>> 13);
    int rem = mant & 0x1fff;
    if (rem > 0x1000 || (rem == 0x1000 && (half & 1) != 0)) {
      half++;
    }
    return (short) (sign | half);
  }

  /** A buffered little-endian writer that knows its position. */
  private static final class Out {
    private final FileChannel ch;
    private final ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
    private long written;

    Out(FileChannel ch) {
      this.ch = ch;
    }

    long position() {
      return written + buf.position();
    }

    private void room(int n) {
      if (buf.remaining() < n) {
        flush();
      }
    }

    void flush() {
      buf.flip();
      try {
        while (buf.hasRemaining()) {
          written += ch.write(buf);
        }
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      buf.clear();
    }

    void u8(int v) {
      room(1);
      buf.put((byte) v);
    }

    void u16(short v) {
      room(2);
      buf.putShort(v);
    }

    void i32(int v) {
      room(4);
      buf.putInt(v);
    }

    void i64(long v) {
      room(8);
      buf.putLong(v);
    }

    void f32(float v) {
      room(4);
      buf.putFloat(v);
    }

    void str(String s) {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      i64(b.length);
      for (byte x : b) {
        u8(x);
      }
    }

    void padTo(long target) {
      while (position() < target) {
        u8(0);
      }
    }
  }
}
