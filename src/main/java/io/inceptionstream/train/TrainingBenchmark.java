package io.inceptionstream.train;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import io.inceptionstream.image.Preprocessor;
import io.inceptionstream.model.GoogLeNet;

/**
 * Times training steps (forward, loss, backward, Adam update) of one {@link TrainingNetwork} on a
 * fixed batch of preprocessed shapes, through either path: the compiled MXNet graph or DJL's blocks
 * op by op. Both paths train the same parameters with the same trainer, so a caller can interleave
 * them. Used on one thread.
 */
public final class TrainingBenchmark implements AutoCloseable {

  private final Model model;
  private final Trainer trainer;
  private final CompiledTrainingNetwork compiled;
  private final float[] pixels;
  private final float[] labels;
  private final int batchSize;

  /**
   * @param batchSize images per step
   * @param auxiliary with the two auxiliary heads (weight 0.3), as {@code train} runs by default
   * @param seed seeds the network and the batch
   */
  public TrainingBenchmark(int batchSize, boolean auxiliary, long seed) {
    if (batchSize < 2) {
      throw new IllegalArgumentException(
          "Invalid batch size " + batchSize + ": must be at least 2 (BatchNorm needs a batch)");
    }
    this.batchSize = batchSize;
    LabeledImages data = LabeledImages.shapes(batchSize, seed);
    float[][] stats = data.channelStatistics();
    Preprocessor pre = new Preprocessor(stats[0], stats[1]);
    pixels = new float[batchSize * Preprocessor.FLOATS];
    labels = new float[batchSize];
    for (int i = 0; i < batchSize; i++) {
      pre.write(data.pixels(), i * LabeledImages.BYTES, pixels, i * Preprocessor.FLOATS);
      labels[i] = data.labels()[i];
    }
    TrainingNetwork network = new TrainingNetwork(data.classes().size(), auxiliary);
    model = Model.newInstance("googlenet-train-bench", Device.cpu(), "MXNet");
    try {
      model.setBlock(network);
      TrainingLoop.seededStart(network, model.getNDManager(), batchSize, seed);
      trainer =
          model.newTrainer(
              new DefaultTrainingConfig(new AuxiliaryLoss(0.3f))
                  .optOptimizer(
                      Optimizer.adam().optLearningRateTracker(Tracker.fixed(1e-3f)).build()));
      trainer.initialize(GoogLeNet.inputShape(batchSize));
      compiled = new CompiledTrainingNetwork(network, trainer.getManager());
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
  }

  /** The training loss of the current parameters on the batch through one path, without a step. */
  public float loss(boolean useCompiled) {
    try (NDManager m = trainer.getManager().newSubManager();
        GradientCollector gc = trainer.newGradientCollector()) {
      return lossOf(m, useCompiled).getFloat();
    }
  }

  /**
   * Runs {@code steps} training steps through one path and returns images per second.
   *
   * @return the batch size times steps over the elapsed seconds
   */
  public double imagesPerSecond(boolean useCompiled, int steps) {
    long start = System.nanoTime();
    for (int s = 0; s < steps; s++) {
      try (NDManager m = trainer.getManager().newSubManager()) {
        try (GradientCollector gc = trainer.newGradientCollector()) {
          NDArray loss = lossOf(m, useCompiled);
          gc.backward(loss);
          loss.getFloat();
        }
        trainer.step();
      }
    }
    return (double) batchSize * steps / ((System.nanoTime() - start) / 1e9);
  }

  /**
   * Runs {@code passes} forward passes of the compiled training graph in evaluation mode (no
   * autograd, no oneDNN fusion: the forward a training step starts with) and returns images per
   * second; training's cost over this is the backward pass and the update.
   */
  public double forwardImagesPerSecond(int passes) {
    long start = System.nanoTime();
    for (int s = 0; s < passes; s++) {
      try (NDManager m = trainer.getManager().newSubManager()) {
        NDArray x = m.create(pixels, GoogLeNet.inputShape(batchSize));
        compiled.forward(x, false).get(0).toFloatArray();
      }
    }
    return (double) batchSize * passes / ((System.nanoTime() - start) / 1e9);
  }

  private NDArray lossOf(NDManager m, boolean useCompiled) {
    NDArray x = m.create(pixels, GoogLeNet.inputShape(batchSize));
    NDArray y = m.create(labels);
    NDList preds = useCompiled ? compiled.forward(x, true) : trainer.forward(new NDList(x));
    return trainer.getLoss().evaluate(new NDList(y), preds);
  }

  @Override
  public void close() {
    trainer.close();
    model.close();
  }
}
