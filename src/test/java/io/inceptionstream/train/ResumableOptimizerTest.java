package io.inceptionstream.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import io.inceptionstream.testing.Engines;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ResumableOptimizerTest {

  private static final Shape INPUT = new Shape(4, 3);
  private static final Tracker RATE = n -> 0.05f / n;

  @BeforeAll
  static void engine() {
    Engines.ready();
  }

  @Test
  void updatesAsDjlsAdamAndSgdWithMomentumDo() throws Exception {
    assertArrayEquals(
        train(Optimizer.adam().optLearningRateTracker(RATE).optWeightDecays(1e-3f).build(), 5),
        train(ResumableOptimizer.adam(RATE, 1e-3f, 0), 5),
        1e-7f);
    assertArrayEquals(
        train(
            Optimizer.sgd()
                .setLearningRateTracker(RATE)
                .optMomentum(0.9f)
                .optWeightDecays(1e-3f)
                .build(),
            5),
        train(ResumableOptimizer.sgd(RATE, 0.9f, 1e-3f, 0), 5),
        1e-7f);
  }

  @Test
  void stateSavedAfterSomeStepsAndLoadedIntoAFreshProcessContinuesTheRun() throws Exception {
    for (boolean adam : new boolean[] {true, false}) {
      float[] whole = train(optimizer(adam, 0), 0, 5, null, null, null);
      byte[][] saved = new byte[1][];
      float[] after3 =
          train(optimizer(adam, 0), 0, 3, null, null, (block, o) -> saved[0] = save(block, o));
      // A new block has new parameter ids, as a new process would; the state is matched by name.
      float[] continued = train(optimizer(adam, 3), 3, 2, after3, saved[0], null);
      assertArrayEquals(whole, continued, 1e-6f, adam ? "adam" : "sgd");
      float[] fresh = train(optimizer(adam, 3), 3, 2, after3, null, null);
      assertTrue(maxDifference(whole, fresh) > 1e-4, "without the state the run differs");
    }
  }

  @Test
  void stateThatDoesNotFitIsRefusedWithWhatDiffers() throws Exception {
    byte[][] momentum = new byte[1][];
    train(optimizer(false, 0), 0, 2, null, null, (block, o) -> momentum[0] = save(block, o));
    byte[][] adam = new byte[1][];
    train(optimizer(true, 0), 0, 2, null, null, (block, o) -> adam[0] = save(block, o));
    try (NDManager m = NDManager.newBaseManager()) {
      Block block = block(m, null);
      MalformedModelException e =
          assertThrows(
              MalformedModelException.class,
              () ->
                  optimizer(true, 2)
                      .load(block.getParameters(), m, new ByteArrayInputStream(momentum[0])));
      assertTrue(e.getMessage().contains("does not fit this adam"), e.getMessage());
      assertTrue(e.getMessage().contains("missing 4 (second/"), e.getMessage());
      e =
          assertThrows(
              MalformedModelException.class,
              () ->
                  optimizer(false, 2)
                      .load(block.getParameters(), m, new ByteArrayInputStream(adam[0])));
      assertTrue(e.getMessage().contains("does not fit this sgd-momentum"), e.getMessage());
      assertTrue(e.getMessage().contains("missing none, unexpected 4 (second/"), e.getMessage());
      Block wider =
          new SequentialBlock()
              .add(Linear.builder().setUnits(6).build())
              .add(x -> new NDList(x.singletonOrThrow().tanh()))
              .add(Linear.builder().setUnits(2).build());
      wider.initialize(m, DataType.FLOAT32, INPUT);
      e =
          assertThrows(
              MalformedModelException.class,
              () ->
                  optimizer(true, 2)
                      .load(wider.getParameters(), m, new ByteArrayInputStream(adam[0])));
      assertTrue(e.getMessage().contains("has shape (5, 3), the parameter (6, 3)"), e.getMessage());
    }
  }

  private static ResumableOptimizer optimizer(boolean adam, int done) {
    return adam
        ? ResumableOptimizer.adam(RATE, 1e-3f, done)
        : ResumableOptimizer.sgd(RATE, 0.9f, 1e-3f, done);
  }

  private interface AfterSteps {
    void accept(Block block, ResumableOptimizer optimizer) throws Exception;
  }

  private static byte[] save(Block block, ResumableOptimizer optimizer) throws Exception {
    ByteArrayOutputStream os = new ByteArrayOutputStream();
    optimizer.save(block.getParameters(), os);
    return os.toByteArray();
  }

  private static float[] train(Optimizer optimizer, int steps) throws Exception {
    return train(optimizer, 0, steps, null, null, null);
  }

  /**
   * Steps {@code firstStep ..} of a two-layer network from a fixed start (or {@code start}) on
   * batches fixed by their step number, with {@code state} loaded into the optimizer first when
   * given; returns all its weights.
   */
  private static float[] train(
      Optimizer optimizer, int firstStep, int steps, float[] start, byte[] state, AfterSteps after)
      throws Exception {
    try (Model model = Model.newInstance("t", Device.cpu(), "MXNet")) {
      Block block = block(model.getNDManager(), start);
      model.setBlock(block);
      if (state != null) {
        ((ResumableOptimizer) optimizer)
            .load(block.getParameters(), model.getNDManager(), new ByteArrayInputStream(state));
      }
      try (Trainer trainer =
          model.newTrainer(new DefaultTrainingConfig(Loss.l2Loss()).optOptimizer(optimizer))) {
        trainer.initialize(INPUT);
        for (int s = firstStep; s < firstStep + steps; s++) {
          SplittableRandom r = new SplittableRandom(s);
          try (NDManager m = trainer.getManager().newSubManager()) {
            NDArray x = m.create(floats(r, 12), INPUT);
            NDArray y = m.create(floats(r, 8), new Shape(4, 2));
            try (GradientCollector gc = trainer.newGradientCollector()) {
              NDList out = trainer.forward(new NDList(x));
              gc.backward(trainer.getLoss().evaluate(new NDList(y), out));
            }
            trainer.step();
          }
        }
        if (after != null) {
          after.accept(block, (ResumableOptimizer) optimizer);
        }
        return weights(block);
      }
    }
  }

  private static Block block(NDManager manager, float[] start) {
    Block block =
        new SequentialBlock()
            .add(Linear.builder().setUnits(5).build())
            .add(x -> new NDList(x.singletonOrThrow().tanh()))
            .add(Linear.builder().setUnits(2).build());
    block.initialize(manager, DataType.FLOAT32, INPUT);
    SplittableRandom r = new SplittableRandom(42);
    int at = 0;
    for (var p : block.getParameters()) {
      NDArray a = p.getValue().getArray();
      int n = (int) a.size();
      float[] v = new float[n];
      for (int i = 0; i < n; i++) {
        v[i] = start == null ? (float) (r.nextDouble() - 0.5) : start[at + i];
      }
      at += n;
      a.set(v);
    }
    return block;
  }

  private static float[] weights(Block block) {
    List<Float> all = new ArrayList<>();
    for (var p : block.getParameters()) {
      for (float f : p.getValue().getArray().toFloatArray()) {
        all.add(f);
      }
    }
    float[] out = new float[all.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = all.get(i);
    }
    return out;
  }

  private static float[] floats(SplittableRandom r, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) r.nextDouble(-1, 1);
    }
    return v;
  }

  private static double maxDifference(float[] a, float[] b) {
    assertEquals(a.length, b.length);
    double d = 0;
    for (int i = 0; i < a.length; i++) {
      d = Math.max(d, Math.abs(a[i] - b[i]));
    }
    return d;
  }
}
