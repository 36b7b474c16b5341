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
import io.inceptionstream.model.SeededInitializer;
import java.io.DataOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
      try (Trainer trainer = model.newTrainer(config())) {
        trainer.initialize(GoogLeNet.inputShape(BATCH));
        SeededInitializer.initialize(network, 11);
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

  @Test
  void theSeededStartSurvivesTheFirstUpdate() {
    TrainingNetwork expected = new TrainingNetwork(CLASSES, true);
    try (NDManager m = NDManager.newBaseManager()) {
      TrainingLoop.seededStart(expected, m, BATCH, 5);
      float[] want = expected.getParameters().get(STEM).getArray().toFloatArray();

      TrainingNetwork network = new TrainingNetwork(CLASSES, true, 0f);
      try (Model model = Model.newInstance("s", Device.cpu(), "MXNet")) {
        model.setBlock(network);
        TrainingLoop.seededStart(network, model.getNDManager(), BATCH, 5);
        try (Trainer trainer = model.newTrainer(config(1e-9f))) {
          trainer.initialize(GoogLeNet.inputShape(BATCH));
          CompiledTrainingNetwork compiled =
              new CompiledTrainingNetwork(network, trainer.getManager());
          step(trainer, compiled, true);
          assertArrayEquals(
              want,
              network.getParameters().get(STEM).getArray().toFloatArray(),
              1e-5f,
              "a step at lr 1e-9 leaves the seeded weights where they were");
        }
      }
    }
  }

  @Test
  void aResumedNetworkKeepsItsTrainedWeightsThroughAStep(@TempDir Path tmp) throws Exception {
    float trained;
    TrainingNetwork saved = new TrainingNetwork(CLASSES, true, 0f);
    try (Model model = Model.newInstance("a", Device.cpu(), "MXNet")) {
      model.setBlock(saved);
      TrainingLoop.seededStart(saved, model.getNDManager(), BATCH, 1);
      try (Trainer trainer = model.newTrainer(config(0.01f))) {
        trainer.initialize(GoogLeNet.inputShape(BATCH));
        CompiledTrainingNetwork compiled = new CompiledTrainingNetwork(saved, trainer.getManager());
        float first = step(trainer, compiled, true);
        for (int i = 0; i < 4; i++) {
          step(trainer, compiled, true);
        }
        trained = step(trainer, compiled, false);
        assertTrue(trained < first / 2, "five steps fit the batch: " + first + " -> " + trained);
        try (OutputStream os = Files.newOutputStream(tmp.resolve(TrainingLoop.CHECKPOINT_PARAMS));
            DataOutputStream dos = new DataOutputStream(os)) {
          saved.saveParameters(dos);
        }
      }
    }
    TrainingNetwork live = new TrainingNetwork(CLASSES, true, 0f);
    try (Model model = Model.newInstance("b", Device.cpu(), "MXNet")) {
      model.setBlock(live);
      TrainingLoop.loadCheckpoint(tmp, live, model.getNDManager());
      try (Trainer trainer = model.newTrainer(config(1e-9f))) {
        trainer.initialize(GoogLeNet.inputShape(BATCH));
        CompiledTrainingNetwork compiled = new CompiledTrainingNetwork(live, trainer.getManager());
        assertEquals(trained, step(trainer, compiled, false), 1e-4f, "the checkpoint is loaded");
        step(trainer, compiled, true);
        // Before the fix this step reverted the weights to the trainer's random initialisation.
        assertEquals(
            trained, step(trainer, compiled, false), 1e-3f, "a step at lr 1e-9 keeps the model");
      }
    }
  }

  private static final String STEM = "01trunk_01pre_01Conv2d_weight";

  /** The training loss on a fixed batch; with {@code update}, a backward pass and a step too. */
  private static float step(Trainer trainer, CompiledTrainingNetwork compiled, boolean update) {
    float[] pixels = new float[BATCH * 3 * 32 * 32];
    SplittableRandom r = new SplittableRandom(3);
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = (float) r.nextGaussian();
    }
    try (NDManager m = trainer.getManager().newSubManager()) {
      NDArray x = m.create(pixels, GoogLeNet.inputShape(BATCH));
      NDArray y = m.create(new float[] {0, 3, 7, 9});
      float loss;
      try (GradientCollector gc = trainer.newGradientCollector()) {
        NDArray l = trainer.getLoss().evaluate(new NDList(y), compiled.forward(x, true));
        if (update) {
          gc.backward(l);
        }
        loss = l.getFloat();
      }
      if (update) {
        trainer.step();
      }
      return loss;
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
    return config(0.01f);
  }

  private static DefaultTrainingConfig config(float learningRate) {
    return new DefaultTrainingConfig(new AuxiliaryLoss(0.3f))
        .optOptimizer(Optimizer.sgd().setLearningRateTracker(Tracker.fixed(learningRate)).build());
  }
}
