package io.inceptionstream.image;

/**
 * Turns an {@link RgbImage} into the network's input: resized to 32x32 (area averaging when
 * shrinking, bilinear when enlarging; the whole image is stretched, not cropped), laid out
 * channel-first and normalised per channel as {@code (v / 255 - mean) / std}, written straight into
 * a caller's batch buffer. Thread-safe: holds only immutable settings.
 */
public final class Preprocessor {

  /**
   * Output side length, the network's input side: the one constant for pixel sizes above the
   * leaves. {@code model.Architecture.SIZE} states it for the network; image and model are leaves
   * that may not import each other, so the inference tests pin the two equal.
   */
  public static final int SIZE = 32;

  /** Floats (or channel-first bytes) per image: 3 x 32 x 32. */
  public static final int FLOATS = 3 * SIZE * SIZE;

  private final float[] scale = new float[3];
  private final float[] shift = new float[3];

  /**
   * @param mean per-channel mean of RGB values in 0..1
   * @param std per-channel standard deviation, positive
   */
  public Preprocessor(float[] mean, float[] std) {
    if (mean.length != 3 || std.length != 3) {
      throw new IllegalArgumentException(
          "mean and std need 3 values (R, G, B), got " + mean.length + " and " + std.length);
    }
    for (int c = 0; c < 3; c++) {
      if (!(std[c] > 0) || Float.isInfinite(std[c])) {
        throw new IllegalArgumentException(
            "std[" + c + "] must be positive and finite, got " + std[c]);
      }
      if (!Float.isFinite(mean[c])) {
        throw new IllegalArgumentException("mean[" + c + "] must be finite, got " + mean[c]);
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

  /**
   * What this class does to a decoded image, recorded in trained models' metadata so a reader knows
   * what the model's accuracy was measured through.
   */
  public static final String DESCRIPTION =
      "Decoded to 8-bit RGB (grayscale replicated into all three channels, alpha dropped, as"
          + " PIL's convert('RGB') does); resized to 32x32 by a separable filter, area averaging when shrinking and"
          + " bilinear with aligned pixel centres when enlarging (a 28x28 Fashion-MNIST image is"
          + " enlarged); channel-first; each channel normalised as (v / 255 - mean) / std with the"
          + " model's mean and std. Training, eval and the worker use this same code.";

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

  /**
   * Resizes to 32x32 packed RGB. The filter is separable; the pass along the longer side runs
   * first, so the intermediate holds 32 x (shorter side) values and a 1 x 20,000,000 image needs no
   * more than a square one. Sums are in double: one output may average millions of pixels.
   */
  static int[] resize(RgbImage image) {
    int w = image.width();
    int h = image.height();
    Axis ax = Axis.of(w, SIZE);
    Axis ay = Axis.of(h, SIZE);
    int[] src = image.pixels();
    int[] out = new int[SIZE * SIZE];
    if (w >= h) {
      // Rows first: tmp is h x 32 x 3.
      double[] tmp = new double[h * SIZE * 3];
      for (int y = 0; y < h; y++) {
        for (int dx = 0; dx < SIZE; dx++) {
          accumulate(src, y * w, 1, ax, dx, tmp, (y * SIZE + dx) * 3);
        }
      }
      for (int dy = 0; dy < SIZE; dy++) {
        for (int dx = 0; dx < SIZE; dx++) {
          out[dy * SIZE + dx] = combine(tmp, dx * 3, SIZE * 3, ay, dy);
        }
      }
    } else {
      // Columns first: tmp is 32 x w x 3.
      double[] tmp = new double[SIZE * w * 3];
      for (int dy = 0; dy < SIZE; dy++) {
        for (int x = 0; x < w; x++) {
          accumulate(src, x, w, ay, dy, tmp, (dy * w + x) * 3);
        }
      }
      for (int dy = 0; dy < SIZE; dy++) {
        for (int dx = 0; dx < SIZE; dx++) {
          out[dy * SIZE + dx] = combine(tmp, dy * w * 3, 3, ax, dx);
        }
      }
    }
    return out;
  }

  /**
   * Weighted sum of packed pixels {@code src[base + k * stride]} for output {@code d} of an axis.
   */
  private static void accumulate(
      int[] src, int base, int stride, Axis axis, int d, double[] tmp, int t) {
    double r = 0;
    double g = 0;
    double b = 0;
    double[] weights = axis.weights[d];
    for (int k = axis.start[d], j = 0; k < axis.end[d]; k++, j++) {
      double wt = weights[j];
      int p = src[base + k * stride];
      r += wt * ((p >>> 16) & 0xFF);
      g += wt * ((p >>> 8) & 0xFF);
      b += wt * (p & 0xFF);
    }
    tmp[t] = r;
    tmp[t + 1] = g;
    tmp[t + 2] = b;
  }

  /** Weighted sum of RGB triples {@code tmp[base + k * stride]}, rounded and packed. */
  private static int combine(double[] tmp, int base, int stride, Axis axis, int d) {
    double r = 0;
    double g = 0;
    double b = 0;
    double[] weights = axis.weights[d];
    for (int k = axis.start[d], j = 0; k < axis.end[d]; k++, j++) {
      double wt = weights[j];
      int t = base + k * stride;
      r += wt * tmp[t];
      g += wt * tmp[t + 1];
      b += wt * tmp[t + 2];
    }
    return round(r) << 16 | round(g) << 8 | round(b);
  }

  private static int round(double v) {
    return (int) Math.max(0, Math.min(255, Math.round(v)));
  }

  /** Source ranges and weights of each output position along one axis. */
  private record Axis(int[] start, int[] end, double[][] weights) {

    static Axis of(int src, int dst) {
      int[] start = new int[dst];
      int[] end = new int[dst];
      double[][] weights = new double[dst][];
      double ratio = (double) src / dst;
      for (int d = 0; d < dst; d++) {
        if (src >= dst) {
          // Area: the output pixel covers [d*ratio, (d+1)*ratio) of the source.
          double lo = d * ratio;
          double hi = (d + 1) * ratio;
          int s = (int) Math.floor(lo);
          int e = Math.min(src, (int) Math.ceil(hi));
          double[] w = new double[e - s];
          for (int k = s; k < e; k++) {
            w[k - s] = ((Math.min(hi, k + 1) - Math.max(lo, k)) / ratio);
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
            weights[d] = new double[] {1};
          } else {
            start[d] = a;
            end[d] = b + 1;
            weights[d] = new double[] {1 - frac, frac};
          }
        }
      }
      return new Axis(start, end, weights);
    }
  }
}
