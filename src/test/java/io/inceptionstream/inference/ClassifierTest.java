package io.inceptionstream.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inceptionstream.image.Preprocessor;
import io.inceptionstream.model.Architecture;
import io.inceptionstream.model.GoogLeNet;
import io.inceptionstream.model.Tap;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ClassifierTest {

  private static final int CLASSES = 5;
  private static final Tap TAP = Tap.parse("a3.branch1");
  private static final float[] MEAN = {0.4f, 0.5f, 0.6f};
  private static final float[] STD = {0.2f, 0.25f, 0.3f};
  private static final Preprocessor PRE = new Preprocessor(MEAN, STD);

  /**
   * A network whose outputs can be traced back to its input: image i's logit c is its c-th
   * normalised float, its tap row is its first floats. Records every buffer and size it is given.
   */
  private static final class EchoBackend implements Backend {
    final List<float[]> buffers = new ArrayList<>();
    final List<Integer> sizes = new ArrayList<>();
    final List<Tap> taps;
    boolean closed;

    EchoBackend(List<Tap> taps) {
      this.taps = taps;
    }

    @Override
    public NetworkOutputs forward(float[] pixels, int n) {
      buffers.add(pixels);
      sizes.add(n);
      float[] logits = new float[n * CLASSES];
      for (int i = 0; i < n; i++) {
        System.arraycopy(pixels, i * Preprocessor.FLOATS, logits, i * CLASSES, CLASSES);
      }
      List<float[]> values = new ArrayList<>();
      for (Tap t : taps) {
        float[] v = new float[n * t.dimension()];
        for (int i = 0; i < n; i++) {
          System.arraycopy(pixels, i * Preprocessor.FLOATS, v, i * t.dimension(), t.dimension());
        }
        values.add(v);
      }
      return new NetworkOutputs(n, CLASSES, logits, taps, values);
    }

    @Override
    public void warmUp(int... batchSizes) {}

    @Override
    public String engine() {
      return "echo";
    }

    @Override
    public boolean compiled() {
      return false;
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  private static byte[] image(long seed) {
    byte[] b = new byte[Preprocessor.FLOATS];
    new SplittableRandom(seed).nextBytes(b);
    return b;
  }

  /** What the red plane's first values normalise to, computed here rather than by Preprocessor. */
  private static float normalisedRed(byte[] chw, int index) {
    return ((chw[index] & 0xFF) / 255f - MEAN[0]) / STD[0];
  }

  @Test
  void rowIOfTheResultIsInputImageI() {
    EchoBackend backend = new EchoBackend(List.of());
    List<byte[]> images = List.of(image(1), image(2), image(3));
    try (Classifier c = new Classifier(backend, PRE, false, 4)) {
      InferenceResult r = c.classify(images);
      assertEquals(3, r.size());
      for (int i = 0; i < 3; i++) {
        float[] logits = r.logits(i);
        for (int k = 0; k < CLASSES; k++) {
          assertEquals(normalisedRed(images.get(i), k), logits[k], 1e-5, "image " + i);
        }
      }
    }
  }

  @Test
  void probabilitiesAreTheSoftmaxOfTheLogitsAndSumToOne() {
    try (Classifier c = new Classifier(new EchoBackend(List.of()), PRE, false, 8)) {
      InferenceResult r = c.classify(List.of(image(4), image(5), image(6), image(7)));
      for (int i = 0; i < 4; i++) {
        float[] p = r.probabilities(i);
        float[] l = r.logits(i);
        double sum = 0;
        for (float v : p) {
          sum += v;
          assertTrue(v > 0 && v < 1);
        }
        assertEquals(1.0, sum, 1e-6);
        // Softmax keeps logit differences as log-ratios.
        assertEquals(l[0] - l[1], Math.log(p[0] / p[1]), 1e-4);
      }
    }
  }

  @Test
  void topKListsTheMostProbableClassesFirst() {
    byte[] img = new byte[Preprocessor.FLOATS];
    // Red values of the first five pixels become the five logits: class 3 > 1 > 4 > 0 > 2.
    byte[] red = {40, (byte) 200, 10, (byte) 250, 90};
    System.arraycopy(red, 0, img, 0, red.length);
    try (Classifier c = new Classifier(new EchoBackend(List.of()), PRE, false, 2)) {
      InferenceResult r = c.classify(List.of(image(8), img));
      List<Scored> top = r.topK(1, 4);
      assertEquals(List.of(3, 1, 4, 0), top.stream().map(Scored::index).toList());
      for (int k = 1; k < top.size(); k++) {
        assertTrue(top.get(k - 1).probability() > top.get(k).probability());
      }
      assertEquals(CLASSES, r.topK(1, 99).size(), "k is capped at the number of classes");
    }
  }

  @Test
  void tapsHaveOneRowPerImageAndAreNormalisedOnlyWhenAsked() {
    List<byte[]> images = List.of(image(9), image(10), image(11));
    try (Classifier raw = new Classifier(new EchoBackend(List.of(TAP)), PRE, false, 3);
        Classifier unit = new Classifier(new EchoBackend(List.of(TAP)), PRE, true, 3)) {
      InferenceResult r = raw.classify(images);
      InferenceResult u = unit.classify(images);
      assertEquals(List.of(TAP), u.taps());
      assertEquals(3 * TAP.dimension(), u.embeddings().get(0).length);
      assertFalse(r.normalized());
      assertTrue(u.normalized());
      for (int i = 0; i < 3; i++) {
        float[] rawRow = r.embedding(0, i);
        float[] unitRow = u.embedding(0, i);
        assertEquals(TAP.dimension(), unitRow.length);
        assertEquals(normalisedRed(images.get(i), 7), rawRow[7], 1e-5);
        double norm = 0;
        double rawNorm = 0;
        for (int d = 0; d < unitRow.length; d++) {
          norm += unitRow[d] * unitRow[d];
          rawNorm += rawRow[d] * rawRow[d];
        }
        assertEquals(1.0, norm, 1e-5);
        assertEquals(rawRow[0] / Math.sqrt(rawNorm), unitRow[0], 1e-5, "same direction");
      }
    }
  }

  @Test
  void oneBufferServesBatchesOfEverySizeWithoutStaleRows() {
    EchoBackend backend = new EchoBackend(List.of());
    byte[] a = image(12);
    try (Classifier c = new Classifier(backend, PRE, false, 4)) {
      InferenceResult four = c.classify(List.of(image(13), image(14), image(15), image(16)));
      InferenceResult one = c.classify(List.of(a));
      InferenceResult two = c.classify(List.of(image(17), a));
      assertEquals(List.of(4, 1, 2), backend.sizes);
      assertSame(backend.buffers.get(0), backend.buffers.get(1));
      assertSame(backend.buffers.get(0), backend.buffers.get(2));
      assertEquals(4 * Preprocessor.FLOATS, backend.buffers.get(0).length);
      assertEquals(4, four.size());
      assertEquals(1, one.size());
      assertEquals(CLASSES, one.logits().length, "only the batch's own rows");
      assertEquals(CLASSES, one.probabilities().length);
      assertArrayEquals(one.logits(0), two.logits(1), 0f);
      assertArrayEquals(one.probabilities(0), two.probabilities(1), 0f);
    }
  }

  @Test
  void theDataSetLayoutGivesTheSameRowsAsOneArrayPerImage() {
    List<byte[]> images = List.of(image(18), image(19), image(20), image(21));
    byte[] packed = new byte[images.size() * Preprocessor.FLOATS];
    for (int i = 0; i < images.size(); i++) {
      System.arraycopy(images.get(i), 0, packed, i * Preprocessor.FLOATS, Preprocessor.FLOATS);
    }
    try (Classifier c = new Classifier(new EchoBackend(List.of(TAP)), PRE, true, 4)) {
      InferenceResult listed = c.classify(images.subList(1, 4));
      InferenceResult sliced = c.classify(packed, 1, 3);
      assertArrayEquals(listed.logits(), sliced.logits(), 0f);
      assertArrayEquals(listed.probabilities(), sliced.probabilities(), 0f);
      assertArrayEquals(listed.embeddings().get(0), sliced.embeddings().get(0), 0f);
    }
  }

  @Test
  void rejectsBatchesItCannotHold() {
    try (Classifier c = new Classifier(new EchoBackend(List.of()), PRE, false, 2)) {
      assertThrows(IllegalArgumentException.class, () -> c.classify(List.of()));
      assertThrows(
          IllegalArgumentException.class, () -> c.classify(List.of(image(1), image(2), image(3))));
      assertThrows(IllegalArgumentException.class, () -> c.classify(List.of(new byte[3071])));
      assertThrows(
          IllegalArgumentException.class, () -> c.classify(new byte[Preprocessor.FLOATS], 1, 1));
      assertThrows(IllegalArgumentException.class, () -> c.warmUp(1, 3));
    }
    assertThrows(
        IllegalArgumentException.class,
        () -> new Classifier(new EchoBackend(List.of()), PRE, false, 0));
  }

  @Test
  void closingTheClassifierClosesItsBackend() {
    EchoBackend backend = new EchoBackend(List.of());
    new Classifier(backend, PRE, false, 1).close();
    assertTrue(backend.closed);
  }

  @Test
  void theStandInAnswersClassZeroWithUnitTapsAsBefore() {
    RunnerOptions options = new RunnerOptions(List.of(Tap.B5), true, Engines.STAND_IN, false);
    try (Classifier c = new Classifier(new StandInBackend(10, options), PRE, true, 3)) {
      InferenceResult r = c.classify(List.of(image(22), image(23)));
      for (int i = 0; i < 2; i++) {
        assertEquals(0, r.topK(i, 1).get(0).index());
        float[] e = r.embedding(0, i);
        assertEquals(Tap.B5.dimension(), e.length);
        // The value the stand-in used to write itself, before normalising moved here.
        assertEquals((float) (1 / Math.sqrt(Tap.B5.dimension())), e[17], 0f);
      }
      assertEquals("stand-in", c.engine());
    }
  }

  @Test
  void theImageSizeIsTheNetworksInputSize() {
    // image and model may not import each other, so this is where their constants meet.
    assertEquals(Architecture.SIZE, Preprocessor.SIZE);
    assertEquals(GoogLeNet.inputShape(1).size(), Preprocessor.FLOATS);
    assertEquals(
        List.of(
            1L, (long) Architecture.CHANNELS, (long) Preprocessor.SIZE, (long) Preprocessor.SIZE),
        java.util.Arrays.stream(GoogLeNet.inputShape(1).getShape()).boxed().toList());
  }
}
