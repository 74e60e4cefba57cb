package io.llmgatling.workload;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;

/**
 * The images of the vision task, generated (never downloaded): a seeded picture of a few coloured rectangles and
 * discs on a gradient, of the size and format a prompt asks for, encoded with {@code javax.imageio}. The same
 * spec and seed give the same bytes. Pixels are set directly, so no graphics environment is needed (headless).
 */
public final class Images {
  static final int MIN_SIDE = 8;
  static final int MAX_SIDE = 4096;

  private Images() {
  }

  /**
   * What image a prompt sends.
   *
   * @param width  pixels, 8 to 4096
   * @param height pixels, 8 to 4096
   * @param format {@code png} or {@code jpeg}
   */
  public record Spec(int width, int height, String format) {
    public Spec {
      if (width < MIN_SIDE || width > MAX_SIDE || height < MIN_SIDE || height > MAX_SIDE) {
        throw new IllegalArgumentException("\"image\" width and height must be " + MIN_SIDE + " to " + MAX_SIDE
            + " pixels, was " + width + "x" + height);
      }
      format = format == null ? "png" : format.toLowerCase(Locale.ROOT).replace("jpg", "jpeg");
      if (!format.equals("png") && !format.equals("jpeg")) {
        throw new IllegalArgumentException("\"image\" format must be png or jpeg, was " + format);
      }
    }

    /** {@code {"width": 512, "height": 384, "format": "png"}} (format optional, png). */
    static Spec of(JsonNode node) {
      if (!node.isObject() || !node.path("width").canConvertToInt() || !node.path("height").canConvertToInt()) {
        throw new IllegalArgumentException("\"image\" must be {\"width\": N, \"height\": N, \"format\": \"png|jpeg\"}");
      }
      return new Spec(node.get("width").asInt(), node.get("height").asInt(), node.path("format").asText("png"));
    }

    /** {@code image/png} or {@code image/jpeg}. */
    public String mimeType() {
      return "image/" + format;
    }
  }

  /** The encoded image of {@code spec} drawn from {@code seed}. */
  public static byte[] generate(Spec spec, long seed) {
    SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + spec.width() * 31L + spec.height());
    int w = spec.width();
    int h = spec.height();
    BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    int from = random.nextInt(0x1000000);
    int to = random.nextInt(0x1000000);
    for (int y = 0; y < h; y++) {
      int rgb = mix(from, to, y / (double) Math.max(1, h - 1));
      for (int x = 0; x < w; x++) {
        image.setRGB(x, y, rgb);
      }
    }
    int shapes = 3 + random.nextInt(4);
    for (int s = 0; s < shapes; s++) {
      int color = random.nextInt(0x1000000);
      int cx = random.nextInt(w);
      int cy = random.nextInt(h);
      int r = Math.max(2, random.nextInt(Math.max(3, Math.min(w, h) / 4)));
      boolean disc = random.nextBoolean();
      for (int y = Math.max(0, cy - r); y < Math.min(h, cy + r); y++) {
        for (int x = Math.max(0, cx - r); x < Math.min(w, cx + r); x++) {
          if (!disc || (x - cx) * (x - cx) + (y - cy) * (y - cy) <= r * r) {
            image.setRGB(x, y, color);
          }
        }
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      if (!ImageIO.write(image, spec.format(), out)) {
        throw new IllegalStateException("no " + spec.format() + " writer in this JVM");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode an image in memory", e);
    }
    return out.toByteArray();
  }

  private static int mix(int from, int to, double t) {
    int r = (int) Math.round(((from >> 16) & 0xff) * (1 - t) + ((to >> 16) & 0xff) * t);
    int g = (int) Math.round(((from >> 8) & 0xff) * (1 - t) + ((to >> 8) & 0xff) * t);
    int b = (int) Math.round((from & 0xff) * (1 - t) + (to & 0xff) * t);
    return (r << 16) | (g << 8) | b;
  }
}
