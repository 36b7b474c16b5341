package io.inceptionstream.image;

/**
 * Turns an {@link RgbImage} into the network's input: resized to 32x32 (area averaging when
 * shrinking, bilinear when enlarging; the whole image is stretched, not cropped), laid out
 * channel-first and normalised per channel as {@code (v / 255 - mean) / std}, written straight
 * into a caller's batch buffer. Thread-safe: holds only immutable settings.
 */
public final class Preprocessor {

  /** Output side length. */
  public static final int SIZE = 32;

  /** Floats per image: 3 x 32 x 32. */
  public static final int FLOATS = 3 * SIZE * SIZE;

  private final float[] scale = new float[3];
  private final float[] shift = new float[3];

  /**
   * @param mean per-channel mean of RGB values in 0..1
   * @param std per-channel standard deviation, positive
   */
  public Preprocessor(float[] mean, float[] std) {
    for (int c = 0; c < 3; c++) {
      if (!(std[c] > 0)) {
        throw new IllegalArgumentException("std[" + c + "] must be positive, got " + std[c]);
      }
      scale[c] = 1f / (255f * std[c]);
      shift[c] = -mean[c] / std[c];
    }
  }

  /** Writes one image's {@link #FLOATS} values at {@code offset} of {@code out}. */
  public void write(RgbImage image, float[] out, int offset) {
    int[] px = image.width() == SIZE && image.height() == SIZE ? image.pixels() : resize(image);
    int plane = SIZE * SIZE;
    for (int i = 0; i < plane; i++) {
      int p = px[i];
      out[offset + i] = ((p >>> 16) & 0xFF) * scale[0] + shift[0];
      out[offset + plane + i] = ((p >>> 8) & 0xFF) * scale[1] + shift[1];
      out[offset + 2 * plane + i] = (p & 0xFF) * scale[2] + shift[2];
    }
  }

  /** Normalises one image stored as {@link #FLOATS} channel-first bytes at {@code srcOffset}. */
  public void write(byte[] chw, int srcOffset, float[] out, int offset) {
    int plane = SIZE * SIZE;
    for (int c = 0; c < 3; c++) {
      float sc = scale[c];
      float sh = shift[c];
      int base = c * plane;
      for (int i = 0; i < plane; i++) {
        out[offset + base + i] = (chw[srcOffset + base + i] & 0xFF) * sc + sh;
      }
    }
  }

  /** The image resized to 32x32 as channel-first RGB bytes (the compact form datasets keep). */
  public static byte[] toChw(RgbImage image) {
    int[] px = image.width() == SIZE && image.height() == SIZE ? image.pixels() : resize(image);
    int plane = SIZE * SIZE;
    byte[] out = new byte[FLOATS];
    for (int i = 0; i < plane; i++) {
      int p = px[i];
      out[i] = (byte) (p >>> 16);
      out[plane + i] = (byte) (p >>> 8);
      out[2 * plane + i] = (byte) p;
    }
    return out;
  }

  /** Resizes to 32x32 packed RGB. */
  static int[] resize(RgbImage image) {
    Axis ax = Axis.of(image.width(), SIZE);
    Axis ay = Axis.of(image.height(), SIZE);
    int w = image.width();
    int[] src = image.pixels();
    // Horizontal pass: height x 32 x 3 floats.
    float[] tmp = new float[image.height() * SIZE * 3];
    for (int y = 0; y < image.height(); y++) {
      int row = y * w;
      for (int dx = 0; dx < SIZE; dx++) {
        float r = 0;
        float g = 0;
        float b = 0;
        for (int k = ax.start[dx], j = 0; k < ax.end[dx]; k++, j++) {
          float wt = ax.weights[dx][j];
          int p = src[row + k];
          r += wt * ((p >>> 16) & 0xFF);
          g += wt * ((p >>> 8) & 0xFF);
          b += wt * (p & 0xFF);
        }
        int t = (y * SIZE + dx) * 3;
        tmp[t] = r;
        tmp[t + 1] = g;
        tmp[t + 2] = b;
      }
    }
    int[] out = new int[SIZE * SIZE];
    for (int dy = 0; dy < SIZE; dy++) {
      for (int dx = 0; dx < SIZE; dx++) {
        float r = 0;
        float g = 0;
        float b = 0;
        for (int k = ay.start[dy], j = 0; k < ay.end[dy]; k++, j++) {
          float wt = ay.weights[dy][j];
          int t = (k * SIZE + dx) * 3;
          r += wt * tmp[t];
          g += wt * tmp[t + 1];
          b += wt * tmp[t + 2];
        }
        out[dy * SIZE + dx] = round(r) << 16 | round(g) << 8 | round(b);
      }
    }
    return out;
  }

  private static int round(float v) {
    return Math.max(0, Math.min(255, Math.round(v)));
  }

  /** Source ranges and weights of each output position along one axis. */
  private record Axis(int[] start, int[] end, float[][] weights) {

    static Axis of(int src, int dst) {
      int[] start = new int[dst];
      int[] end = new int[dst];
      float[][] weights = new float[dst][];
      double ratio = (double) src / dst;
      for (int d = 0; d < dst; d++) {
        if (src >= dst) {
          // Area: the output pixel covers [d*ratio, (d+1)*ratio) of the source.
          double lo = d * ratio;
          double hi = (d + 1) * ratio;
          int s = (int) Math.floor(lo);
          int e = Math.min(src, (int) Math.ceil(hi));
          float[] w = new float[e - s];
          for (int k = s; k < e; k++) {
            w[k - s] = (float) ((Math.min(hi, k + 1) - Math.max(lo, k)) / ratio);
          }
          start[d] = s;
          end[d] = e;
          weights[d] = w;
        } else {
          // Bilinear with pixel centres aligned (half-pixel offset).
          double pos = (d + 0.5) * ratio - 0.5;
          int s = (int) Math.floor(pos);
          double frac = pos - s;
          int a = Math.max(0, Math.min(src - 1, s));
          int b = Math.max(0, Math.min(src - 1, s + 1));
          if (a == b) {
            start[d] = a;
            end[d] = a + 1;
            weights[d] = new float[] {1f};
          } else {
            start[d] = a;
            end[d] = b + 1;
            weights[d] = new float[] {(float) (1 - frac), (float) frac};
          }
        }
      }
      return new Axis(start, end, weights);
    }
  }
}
