package io.inceptionstream.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inceptionstream.image.Preprocessor;
import io.inceptionstream.model.ModelDirectory;
import io.inceptionstream.model.ModelInitializer;
import io.inceptionstream.model.Tap;
import io.inceptionstream.testing.Engines;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InferenceRunnerTest {

  @TempDir static Path tmp;
  private static ModelDirectory model;
  private static final List<Tap> TAPS = List.of(Tap.B5, Tap.parse("a4.branch3"), Tap.parse("a3"));

  @BeforeAll
  static void model() throws Exception {
    Engines.ready();
    model =
        ModelInitializer.create(
            tmp.resolve("m"), 10, 11, ModelInitializer.defaultLabels(10), "t", "1", "MXNet");
  }

  private static float[] input(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] x = new float[n * Preprocessor.FLOATS];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) r.nextGaussian();
    }
    return x;
  }

  private static NetworkOutputs run(RunnerOptions options, float[] x, int n) throws Exception {
    try (InferenceRunner runner = new InferenceRunner(model, options, "cpu")) {
      return runner.forward(x, n);
    }
  }

  private static byte[] images(int n, long seed) {
    byte[] b = new byte[n * Preprocessor.FLOATS];
    new SplittableRandom(seed).nextBytes(b);
    return b;
  }

  private static InferenceResult classify(RunnerOptions options, byte[] images, int n)
      throws Exception {
    try (Classifier c = Classifier.open(model, options, "cpu", n)) {
      return c.classify(images, 0, n);
    }
  }

  private static double maxDiff(float[] a, float[] b) {
    assertEquals(a.length, b.length);
    double d = 0;
    for (int i = 0; i < a.length; i++) {
      d = Math.max(d, Math.abs(a[i] - b[i]));
    }
    return d;
  }

  @Test
  void compiledGraphEqualsTheBlockOpByOp() throws Exception {
    float[] x = input(3, 1);
    RunnerOptions options = new RunnerOptions(TAPS, false, "mxnet", true);
    NetworkOutputs compiled = run(options, x, 3);
    NetworkOutputs eager = run(options.withCompile(false), x, 3);
    assertTrue(maxDiff(compiled.logits(), eager.logits()) < 1e-4);
    for (int t = 0; t < TAPS.size(); t++) {
      assertTrue(
          maxDiff(compiled.tapValues().get(t), eager.tapValues().get(t)) < 1e-4,
          TAPS.get(t).name());
      assertEquals(3 * TAPS.get(t).dimension(), compiled.tapValues().get(t).length);
    }
  }

  @Test
  void mxnetAndPyTorchAgreeOnTheSameParameters() throws Exception {
    float[] x = input(2, 2);
    RunnerOptions options = new RunnerOptions(TAPS, false, "mxnet", true);
    NetworkOutputs mx = run(options, x, 2);
    NetworkOutputs pt = run(options.withEngine("pytorch"), x, 2);
    assertTrue(
        maxDiff(mx.logits(), pt.logits()) < 1e-4,
        "logits differ by " + maxDiff(mx.logits(), pt.logits()));
    assertTrue(maxDiff(mx.tapValues().get(0), pt.tapValues().get(0)) < 1e-4);
  }

  @Test
  void probabilitiesSumToOneAndTopKIsSorted() throws Exception {
    InferenceResult r = classify(RunnerOptions.classifyOnly(), images(4, 3), 4);
    for (int i = 0; i < 4; i++) {
      double sum = 0;
      for (float p : r.probabilities(i)) {
        sum += p;
      }
      assertEquals(1.0, sum, 1e-5);
      List<Scored> top = r.topK(i, 3);
      assertEquals(3, top.size());
      assertTrue(top.get(0).probability() >= top.get(1).probability());
      assertTrue(top.get(1).probability() >= top.get(2).probability());
    }
  }

  @Test
  void normalisedEmbeddingsHaveUnitLength() throws Exception {
    InferenceResult r =
        classify(new RunnerOptions(List.of(Tap.B5), true, "mxnet", true), images(2, 4), 2);
    for (int i = 0; i < 2; i++) {
      double sum = 0;
      for (float v : r.embedding(0, i)) {
        sum += v * v;
      }
      assertEquals(1.0, sum, 1e-4);
    }
    assertTrue(r.normalized());
  }

  @Test
  void batchResultsEqualSingleImageResults() throws Exception {
    float[] x = input(5, 5);
    NetworkOutputs batch = run(RunnerOptions.classifyOnly(), x, 5);
    float[] one = new float[Preprocessor.FLOATS];
    System.arraycopy(x, 3 * one.length, one, 0, one.length);
    NetworkOutputs single = run(RunnerOptions.classifyOnly(), one, 1);
    float[] row3 = java.util.Arrays.copyOfRange(batch.logits(), 30, 40);
    assertTrue(maxDiff(row3, single.logits()) < 1e-4);
  }

  @Test
  void rejectsBatchesLargerThanTheBuffer() throws Exception {
    try (InferenceRunner runner = new InferenceRunner(model, RunnerOptions.classifyOnly(), "cpu")) {
      assertThrows(IllegalArgumentException.class, () -> runner.forward(new float[10], 1));
    }
  }

  @Test
  void theClassifierNormalisesWithTheModelsMeanAndStdAndAddsOnlySoftmaxAndTaps() throws Exception {
    byte[] pixels = images(3, 6);
    RunnerOptions options = new RunnerOptions(List.of(Tap.B5), true, "mxnet", true);
    Preprocessor pre = new Preprocessor(model.metadata().meanArray(), model.metadata().stdArray());
    float[] x = new float[3 * Preprocessor.FLOATS];
    for (int i = 0; i < 3; i++) {
      pre.write(pixels, i * Preprocessor.FLOATS, x, i * Preprocessor.FLOATS);
    }
    NetworkOutputs raw = run(options, x, 3);
    InferenceResult r = classify(options, pixels, 3);
    assertArrayEquals(raw.logits(), r.logits(), 0f);
    assertArrayEquals(Scored.softmaxRows(raw.logits(), 3, 10), r.probabilities(), 0f);
    float[] unit = raw.tapValues().get(0).clone();
    Scored.normalizeRows(unit, 3, Tap.B5.dimension());
    assertArrayEquals(unit, r.embeddings().get(0), 0f);
  }

  @Test
  void theStandInEngineOpensWithoutLoadingTheModel() throws Exception {
    RunnerOptions options = new RunnerOptions(List.of(), false, "stand-in", false);
    try (Classifier c = Classifier.open(model, options, "cpu", 2)) {
      assertEquals("stand-in", c.engine());
      assertEquals(0, c.classify(images(2, 7), 0, 2).topK(1, 1).get(0).index());
    }
  }
}
