package io.inceptionstream.inference;

import io.inceptionstream.image.Preprocessor;
import io.inceptionstream.model.ModelDirectory;
import io.inceptionstream.train.Evaluation;
import io.inceptionstream.train.LabeledImages;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The precision measurement, run by hand (minutes on 2 cores): accuracy of each precision on 300
 * shapes (seed 424242) with the shipped model, then forward passes timed interleaved. {@code mvn
 * test -Dtest=PrecisionProbeTest -Dprecision.probe=true -Dmodes=fp32,int8 -Dcal=32 -Dbatch=32}.
 */
class PrecisionProbeTest {

  @Test
  @EnabledIfSystemProperty(named = "precision.probe", matches = "true")
  void probe() throws Exception {
    io.inceptionstream.testing.Engines.ready();
    ModelDirectory model = ModelDirectory.open(Path.of("models/googlenet-shapes"));
    LabeledImages test = LabeledImages.shapes(300, 424242);
    LabeledImages cal = LabeledImages.shapes(Integer.getInteger("cal", 128), 7);
    Preprocessor pre = new Preprocessor(model.metadata().meanArray(), model.metadata().stdArray());
    float[] calib = new float[cal.size() * Preprocessor.FLOATS];
    for (int i = 0; i < cal.size(); i++) {
      pre.write(cal.pixels(), i * Preprocessor.FLOATS, calib, i * Preprocessor.FLOATS);
    }
    if (Boolean.getBoolean("noise")) {
      java.util.SplittableRandom r = new java.util.SplittableRandom(1);
      for (int i = 0; i < calib.length; i++) {
        calib[i] = (float) r.nextGaussian();
      }
    }
    Calibration c = new Calibration(calib, cal.size());
    String[] modes = System.getProperty("modes", "fp32,int8,fp32,int8").split(",");
    int batch = Integer.getInteger("batch", 64);
    float[] x = new float[batch * Preprocessor.FLOATS];
    for (int i = 0; i < batch; i++) {
      pre.write(test.pixels(), i * Preprocessor.FLOATS, x, i * Preprocessor.FLOATS);
    }
    InferenceRunner[] runners = new InferenceRunner[modes.length];
    for (int m = 0; m < modes.length; m++) {
      RunnerOptions o = RunnerOptions.classifyOnly().withPrecision(Precision.parse(modes[m]));
      long t0 = System.nanoTime();
      runners[m] = new InferenceRunner(model, o, "cpu", c);
      long t1 = System.nanoTime();
      Classifier cl = new Classifier(runners[m], pre, false, 100);
      double acc = Evaluation.evaluate(cl, test).accuracy();
      System.out.printf("PROBE %s build=%.0fms acc=%.4f%n", modes[m], (t1 - t0) / 1e6, acc);
      runners[m].forward(x, batch);
    }
    int runs = Integer.getInteger("runs", 7);
    double[][] ms = new double[modes.length][runs];
    for (int k = 0; k < runs; k++) {
      for (int m = 0; m < modes.length; m++) {
        long s = System.nanoTime();
        runners[m].forward(x, batch);
        ms[m][k] = (System.nanoTime() - s) / 1e6;
      }
    }
    for (int m = 0; m < modes.length; m++) {
      double[] sorted = ms[m].clone();
      java.util.Arrays.sort(sorted);
      double med = sorted[sorted.length / 2];
      System.out.printf(
          "PROBE %s batch=%d median=%.1fms img/s=%.1f all=%s%n",
          modes[m], batch, med, batch * 1000 / med, java.util.Arrays.toString(ms[m]));
      runners[m].close();
    }
  }
}
