package io.inceptionstream.train;

import java.util.Locale;

/**
 * Hyper-parameters of a training run, validated on construction; each error names the option, the
 * value and the rule.
 *
 * @param epochs passes over the training set
 * @param batchSize images per step
 * @param optimizer {@code adam} or {@code sgd} (with momentum)
 * @param learningRate peak learning rate
 * @param momentum SGD momentum (ignored by Adam)
 * @param weightDecay L2 weight decay
 * @param schedule {@code cosine}, {@code step} (x0.1 at 50% and 75%) or {@code fixed}
 * @param warmupSteps linear learning-rate warm-up steps
 * @param auxiliary whether to train with the two auxiliary classifiers
 * @param auxWeight weight of each auxiliary loss
 * @param augment random crop with 4-pixel padding
 * @param flip random horizontal flip (only where the classes allow it)
 * @param seed seed for initialisation, shuffling and augmentation
 * @param compiled train through the compiled MXNet graph ({@code false}: DJL's blocks op by op, the
 *     reference path)
 * @param checkpointEvery steps between checkpoints inside an epoch, so a run stopped mid-epoch
 *     resumes there (0: at the end of each epoch only)
 */
public record TrainingOptions(
    int epochs,
    int batchSize,
    String optimizer,
    float learningRate,
    float momentum,
    float weightDecay,
    String schedule,
    int warmupSteps,
    boolean auxiliary,
    float auxWeight,
    boolean augment,
    boolean flip,
    long seed,
    boolean compiled,
    int checkpointEvery) {

  public TrainingOptions {
    optimizer = optimizer.toLowerCase(Locale.ROOT);
    schedule = schedule.toLowerCase(Locale.ROOT);
    require(epochs >= 1, "epochs", epochs, "must be at least 1");
    require(
        batchSize >= 2, "batch-size", batchSize, "must be at least 2 (BatchNorm needs a batch)");
    require(
        optimizer.equals("adam") || optimizer.equals("sgd"),
        "optimizer",
        optimizer,
        "must be adam or sgd");
    require(
        learningRate > 0 && learningRate < 10, "learning-rate", learningRate, "must be in (0, 10)");
    require(momentum >= 0 && momentum < 1, "momentum", momentum, "must be in [0, 1)");
    require(weightDecay >= 0 && weightDecay < 1, "weight-decay", weightDecay, "must be in [0, 1)");
    require(
        schedule.equals("cosine") || schedule.equals("step") || schedule.equals("fixed"),
        "schedule",
        schedule,
        "must be cosine, step or fixed");
    require(warmupSteps >= 0, "warmup-steps", warmupSteps, "must be at least 0");
    require(auxWeight >= 0 && auxWeight <= 1, "aux-weight", auxWeight, "must be in [0, 1]");
    require(checkpointEvery >= 0, "checkpoint-every", checkpointEvery, "must be at least 0");
  }

  private static void require(boolean ok, String key, Object value, String rule) {
    if (!ok) {
      throw new IllegalArgumentException(
          "Invalid value " + value + " for option --" + key + ": " + rule);
    }
  }
}
