package io.inceptionstream.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import io.inceptionstream.inference.EngineSetup;
import io.inceptionstream.model.GoogLeNet;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class CompiledTrainingNetworkTest {

  private static final int CLASSES = 10;
  private static final int BATCH = 4;

  @BeforeAll
  static void engine() {
    EngineSetup.apply(0);
  }

  /** The first stem weight, the classifier's weight and each auxiliary head's last weight. */
  private static final List<String> WATCHED =
      List.of(
          "01trunk_01pre_01Conv2d_weight",
          "01trunk_11fc_weight",
          "02aux1_09Linear_weight",
          "03aux2_09Linear_weight");

  @Test
  void theCompiledGraphGivesTheOpByOpLossAndGradientsOnTheSameSeededBatch() {
    // Dropout off: with it on the two paths draw different masks.
    TrainingNetwork network = new TrainingNetwork(CLASSES, true, 0f);
    try (Model model = Model.newInstance("t", Device.cpu(), "MXNet")) {
      model.setBlock(network);
      TrainingLoop.seededStart(network, model.getNDManager(), BATCH, 11);
      try (Trainer trainer = model.newTrainer(config())) {
        trainer.initialize(GoogLeNet.inputShape(BATCH));
        float[] pixels = new float[BATCH * 3 * 32 * 32];
        SplittableRandom r = new SplittableRandom(3);
        for (int i = 0; i < pixels.length; i++) {
          pixels[i] = (float) r.nextGaussian();
        }
        float[] labels = {0, 3, 7, 9};
        CompiledTrainingNetwork compiled =
            new CompiledTrainingNetwork(network, trainer.getManager());

        Step reference = step(trainer, network, pixels, labels, null);
        Step fast = step(trainer, network, pixels, labels, compiled);

        assertEquals(3, fast.outputs, "logits and both auxiliary heads");
        assertTrue(reference.loss > 1, "an untrained network's loss: " + reference.loss);
        assertEquals(reference.loss, fast.loss, 1e-4 * reference.loss);
        for (String name : reference.gradients.keySet()) {
          float[] a = reference.gradients.get(name);
          float[] b = fast.gradients.get(name);
          double scale = 0;
          for (float v : a) {
            scale = Math.max(scale, Math.abs(v));
          }
          assertTrue(scale > 0, name + " has a gradient");
          for (int i = 0; i < a.length; i++) {
            assertEquals(a[i], b[i], 1e-3 * scale, name + "[" + i + "]");
          }
        }
        // In evaluation mode only the logits come out, as from the block.
        try (NDManager m = trainer.getManager().newSubManager()) {
          NDArray x = m.create(pixels, GoogLeNet.inputShape(BATCH));
          float[] want = trainer.evaluate(new NDList(x)).get(0).toFloatArray();
          NDList got = compiled.forward(x, false);
          assertEquals(1, got.size());
          assertArrayEquals(want, got.get(0).toFloatArray(), 1e-3f);
        }
      }
    }
  }

  private record Step(float loss, int outputs, java.util.Map<String, float[]> gradients) {}

  private static Step step(
      Trainer trainer,
      TrainingNetwork network,
      float[] pixels,
      float[] labels,
      CompiledTrainingNetwork compiled) {
    try (NDManager m = trainer.getManager().newSubManager()) {
      NDArray x = m.create(pixels, GoogLeNet.inputShape(BATCH));
      NDArray y = m.create(labels);
      float loss;
      int outputs;
      try (GradientCollector gc = trainer.newGradientCollector()) {
        NDList preds =
            compiled != null ? compiled.forward(x, true) : trainer.forward(new NDList(x));
        outputs = preds.size();
        NDArray l = trainer.getLoss().evaluate(new NDList(y), preds);
        gc.backward(l);
        loss = l.getFloat();
      }
      java.util.Map<String, float[]> grads = new java.util.LinkedHashMap<>();
      for (String name : WATCHED) {
        Parameter p = network.getParameters().get(name);
        if (p == null) {
          throw new AssertionError("no parameter " + name);
        }
        grads.put(name, p.getArray().getGradient().toFloatArray());
      }
      return new Step(loss, outputs, grads);
    }
  }

  private static DefaultTrainingConfig config() {
    return new DefaultTrainingConfig(new AuxiliaryLoss(0.3f))
        .optOptimizer(Optimizer.sgd().setLearningRateTracker(Tracker.fixed(0.01f)).build());
  }
}
