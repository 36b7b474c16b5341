package io.inceptionstream.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PreprocessorTest {

  private static final int S = Preprocessor.SIZE;
  private static final int PLANE = S * S;

  /** Identity normalisation apart from the 1/255: output = v / 255. */
  private final Preprocessor unit = new Preprocessor(new float[] {0, 0, 0}, new float[] {1, 1, 1});

  @Test
  void writesAThirtyTwoSquareImageWithoutResamplingInChannelPlanes() {
    RgbImage image = random(new Random(1), S, S);
    float[] mean = {0.485f, 0.456f, 0.406f};
    float[] std = {0.229f, 0.224f, 0.225f};
    float[] out = new float[Preprocessor.FLOATS];
    new Preprocessor(mean, std).write(image, out, 0);
    for (int i = 0; i < PLANE; i++) {
      int p = image.pixels()[i];
      int[] rgb = {(p >> 16) & 0xFF, (p >> 8) & 0xFF, p & 0xFF};
      for (int c = 0; c < 3; c++) {
        double expected = (rgb[c] / 255.0 - mean[c]) / std[c];
        assertEquals(expected, out[c * PLANE + i], 1e-5, "channel " + c + " pixel " + i);
      }
    }
  }

  @Test
  void putsRedGreenAndBluePlanesInThatOrder() {
    float[] out = new float[Preprocessor.FLOATS];
    unit.write(constant(S, S, 0xFF8000), out, 0);
    assertPlane(out, 0, 1f);
    assertPlane(out, 1, 128 / 255f);
    assertPlane(out, 2, 0f);
  }

  @Test
  void normalisesEachChannelWithItsOwnMeanAndStd() {
    Preprocessor pre =
        new Preprocessor(new float[] {0.5f, 0.25f, 0f}, new float[] {0.5f, 0.25f, 2f});
    float[] out = new float[Preprocessor.FLOATS];
    pre.write(constant(S, S, 0xFF0033), out, 0);
    // (1 - 0.5) / 0.5, (0 - 0.25) / 0.25, (0.2 - 0) / 2
    assertPlane(out, 0, 1f);
    assertPlane(out, 1, -1f);
    assertPlane(out, 2, 0.1f);
  }

  @Test
  void keepsConstantImagesConstantWhenShrinkingOrEnlarging() {
    int[][] sizes = {
      {1, 1}, {2, 3}, {5, 7}, {31, 33}, {33, 31}, {64, 64}, {100, 77}, {333, 17}, {1000, 1}
    };
    for (int[] size : sizes) {
      for (int colour : new int[] {0x000000, 0xFFFFFF, 0x7F80FE, 0x010203}) {
        int[] resized = Preprocessor.resize(constant(size[0], size[1], colour));
        for (int i = 0; i < PLANE; i++) {
          assertEquals(colour, resized[i], size[0] + "x" + size[1] + " pixel " + i);
        }
      }
    }
  }

  @Test
  void averagesEachTwoByTwoBlockOfASixtyFourSquareImage() {
    Random random = new Random(2);
    RgbImage image = random(random, 64, 64);
    int[] resized = Preprocessor.resize(image);
    int[] px = image.pixels();
    for (int y = 0; y < S; y++) {
      for (int x = 0; x < S; x++) {
        int[] block = {
          px[2 * y * 64 + 2 * x],
          px[2 * y * 64 + 2 * x + 1],
          px[(2 * y + 1) * 64 + 2 * x],
          px[(2 * y + 1) * 64 + 2 * x + 1]
        };
        int expected = 0;
        for (int shift = 16; shift >= 0; shift -= 8) {
          int sum = 0;
          for (int p : block) {
            sum += (p >> shift) & 0xFF;
          }
          // The mean rounded half up.
          expected |= ((sum + 2) / 4) << shift;
        }
        assertEquals(expected, resized[y * S + x], "block " + x + "," + y);
      }
    }
  }

  @Test
  void averagesWholeSourceRangesWhenShrinkingByANonIntegerFactor() {
    // 48 columns to 32: each output column covers one and a half source columns.
    int[] px = new int[48];
    for (int x = 0; x < 48; x++) {
      px[x] = x % 3 == 0 ? 0 : x % 3 == 1 ? 90 : 180;
    }
    int[] resized = Preprocessor.resize(new RgbImage(48, 1, toGray(px)));
    for (int d = 0; d < S; d++) {
      // Output d covers [1.5d, 1.5d + 1.5): even d is one whole pixel and half the next.
      int k = (3 * d) / 2;
      double expected =
          d % 2 == 0 ? (px[k] + 0.5 * px[k + 1]) / 1.5 : (0.5 * px[k] + px[k + 1]) / 1.5;
      assertEquals((int) Math.round(expected), resized[d] & 0xFF, "column " + d);
    }
  }

  @Test
  void enlargesBilinearlyWithPixelCentresAligned() {
    int[] resized = Preprocessor.resize(new RgbImage(2, 1, toGray(new int[] {0, 255})));
    for (int d = 0; d < S; d++) {
      // Output centre d + 0.5 maps to source position (d + 0.5) / 16 - 0.5, clamped to [0, 1].
      double pos = Math.max(0, Math.min(1, (d + 0.5) / 16 - 0.5));
      int expected = (int) Math.round(255 * pos);
      assertEquals(expected * 0x010101, resized[d], "column " + d);
      assertEquals(resized[d], resized[31 * S + d], "every row the same");
    }
    assertEquals(0, resized[7] & 0xFF);
    assertEquals(120, resized[15] & 0xFF);
    assertEquals(255, resized[24] & 0xFF);
  }

  @Test
  void stretchesExtremeAspectImagesOverTheWholeOutput() {
    // 1 x 3200 and 3200 x 1 in 32 bands of 100 pixels: each band becomes one output row/column.
    int[] bands = new int[3200];
    for (int i = 0; i < bands.length; i++) {
      bands[i] = (i / 100) * 8 * 0x010101;
    }
    int[] tall = Preprocessor.resize(new RgbImage(1, 3200, bands));
    int[] wide = Preprocessor.resize(new RgbImage(3200, 1, bands));
    for (int y = 0; y < S; y++) {
      for (int x = 0; x < S; x++) {
        assertEquals(y * 8 * 0x010101, tall[y * S + x], "tall " + x + "," + y);
        assertEquals(x * 8 * 0x010101, wide[y * S + x], "wide " + x + "," + y);
      }
    }
    float[] out = new float[Preprocessor.FLOATS];
    unit.write(new RgbImage(3200, 1, bands), out, 0);
    assertEquals(31 * 8 / 255f, out[PLANE + 5 * S + 31], 1e-6);
    assertEquals(0f, out[2 * PLANE + 31 * S], 1e-6);
  }

  @Test
  void resizesAVeryTallImageWithoutAHugeIntermediate() {
    // 24 million rows: a rows-first pass would need 24M x 96 values, past any Java array.
    int h = 24_000_000;
    int[] px = new int[h];
    for (int y = 0; y < h; y++) {
      px[y] = y < h / 2 ? 0x204060 : 0xA0C0E0;
    }
    int[] resized = Preprocessor.resize(new RgbImage(1, h, px));
    assertEquals(0x204060, resized[0]);
    assertEquals(0x204060, resized[15 * S + 31]);
    assertEquals(0xA0C0E0, resized[16 * S]);
    assertEquals(0xA0C0E0, resized[PLANE - 1]);
  }

  @Test
  void resizesATransposedImageToTheTransposedResult() {
    Random random = new Random(3);
    for (int trial = 0; trial < 20; trial++) {
      int w = 1 + random.nextInt(80);
      int h = 1 + random.nextInt(80);
      RgbImage image = random(random, w, h);
      int[] t = new int[w * h];
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          t[x * h + y] = image.pixels()[y * w + x];
        }
      }
      int[] a = Preprocessor.resize(image);
      int[] b = Preprocessor.resize(new RgbImage(h, w, t));
      for (int y = 0; y < S; y++) {
        for (int x = 0; x < S; x++) {
          assertEquals(a[y * S + x], b[x * S + y], w + "x" + h + " at " + x + "," + y);
        }
      }
    }
  }

  @Test
  void writesAtAnOffsetWithoutTouchingTheNeighbours() {
    float[] batch = new float[3 * Preprocessor.FLOATS + 10];
    Arrays.fill(batch, -42f);
    int offset = Preprocessor.FLOATS + 5;
    unit.write(random(new Random(4), 50, 40), batch, offset);
    for (int i = 0; i < batch.length; i++) {
      boolean inside = i >= offset && i < offset + Preprocessor.FLOATS;
      assertEquals(inside, batch[i] != -42f, "index " + i);
      if (inside) {
        assertTrue(batch[i] >= 0 && batch[i] <= 1, "index " + i + " = " + batch[i]);
      }
    }
  }

  @Test
  void writesTheSameFloatsFromChwBytesAsFromTheImage() {
    Preprocessor pre =
        new Preprocessor(new float[] {0.4f, 0.5f, 0.6f}, new float[] {0.2f, 0.3f, 0.25f});
    Random random = new Random(5);
    for (int[] size : new int[][] {{32, 32}, {50, 40}, {7, 90}}) {
      RgbImage image = random(random, size[0], size[1]);
      byte[] chw = Preprocessor.toChw(image);
      assertEquals(Preprocessor.FLOATS, chw.length);
      byte[] dataset = new byte[3 * Preprocessor.FLOATS];
      System.arraycopy(chw, 0, dataset, Preprocessor.FLOATS, chw.length);

      float[] fromImage = new float[2 * Preprocessor.FLOATS];
      float[] fromBytes = new float[2 * Preprocessor.FLOATS];
      pre.write(image, fromImage, Preprocessor.FLOATS);
      pre.write(dataset, Preprocessor.FLOATS, fromBytes, Preprocessor.FLOATS);
      assertArrayEquals(fromImage, fromBytes, size[0] + "x" + size[1]);
    }
  }

  @Test
  void storesChwBytesAsRedGreenBluePlanes() {
    RgbImage image = random(new Random(6), S, S);
    byte[] chw = Preprocessor.toChw(image);
    for (int i = 0; i < PLANE; i++) {
      int p = image.pixels()[i];
      assertEquals((p >> 16) & 0xFF, chw[i] & 0xFF);
      assertEquals((p >> 8) & 0xFF, chw[PLANE + i] & 0xFF);
      assertEquals(p & 0xFF, chw[2 * PLANE + i] & 0xFF);
    }
  }

  @Test
  void refusesStatisticsThatCannotNormalise() {
    float[] three = {0.5f, 0.5f, 0.5f};
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new Preprocessor(three, new float[] {0.2f, 0f, 0.2f}));
    assertTrue(e.getMessage().contains("std[1] must be positive"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> new Preprocessor(three, new float[] {0.2f, Float.NaN, 0.2f}));
    assertThrows(
        IllegalArgumentException.class,
        () -> new Preprocessor(new float[] {0.5f, Float.NaN, 0}, three));
    e =
        assertThrows(
            IllegalArgumentException.class, () -> new Preprocessor(new float[] {0.5f}, three));
    assertTrue(e.getMessage().contains("need 3 values"), e.getMessage());
  }

  private static void assertPlane(float[] out, int channel, float expected) {
    for (int i = 0; i < PLANE; i++) {
      assertEquals(expected, out[channel * PLANE + i], 1e-6, "channel " + channel + " index " + i);
    }
  }

  private static RgbImage random(Random random, int w, int h) {
    int[] px = new int[w * h];
    for (int i = 0; i < px.length; i++) {
      px[i] = random.nextInt(1 << 24);
    }
    return new RgbImage(w, h, px);
  }

  private static RgbImage constant(int w, int h, int colour) {
    int[] px = new int[w * h];
    Arrays.fill(px, colour);
    return new RgbImage(w, h, px);
  }

  private static int[] toGray(int[] levels) {
    int[] px = new int[levels.length];
    for (int i = 0; i < px.length; i++) {
      px[i] = levels[i] * 0x010101;
    }
    return px;
  }
}
