package io.inceptionstream.cli;

import io.inceptionstream.inference.EngineSetup;
import io.inceptionstream.model.InvalidModelException;
import io.inceptionstream.train.Evaluation;
import io.inceptionstream.train.LabeledImages;
import io.inceptionstream.train.TrainingLoop;
import io.inceptionstream.train.TrainingOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code train}: trains the seed's GoogLeNet into a model directory the worker serves. */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Train the seed's GoogLeNet (with GoogLeNet's auxiliary classifiers unless --no-aux) into a model directory.",
      "Held-out data: generated shapes with --held-out-seed, CIFAR-10's test batch, or a --validation-split of a folder."
    })
final class TrainCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @ArgGroup(exclusive = true, multiplicity = "1", heading = "Data (exactly one):%n")
  DataOptions data;

  @Option(
      names = "--out",
      required = true,
      description = "Model directory to write (the best epoch is kept).")
  Path out;

  @Option(
      names = "--checkpoint-dir",
      description = "Checkpoint directory. Default: OUT.checkpoint beside the model.")
  Path checkpointDir;

  @Option(
      names = "--resume",
      description =
          "Continue from the checkpoint directory (same options; --epochs may grow), at the epoch"
              + " and step where it stopped.")
  boolean resume;

  @Option(
      names = "--checkpoint-every",
      paramLabel = "STEPS",
      defaultValue = "100",
      description =
          "Also checkpoint every STEPS steps inside an epoch, so a stopped run loses at most that"
              + " many; 0: at epoch ends only. Default: ${DEFAULT-VALUE}.")
  int checkpointEvery;

  @Option(
      names = "--epochs",
      defaultValue = "3",
      description = "Epochs. Default: ${DEFAULT-VALUE}.")
  int epochs;

  @Option(
      names = "--batch-size",
      defaultValue = "32",
      description = "Images per step. Default: ${DEFAULT-VALUE}.")
  int batchSize;

  @Option(
      names = "--optimizer",
      defaultValue = "adam",
      description = "adam or sgd (with momentum). Default: ${DEFAULT-VALUE}.")
  String optimizer;

  @Option(
      names = "--learning-rate",
      description = "Peak learning rate. Default: 0.001 for adam, 0.05 for sgd.")
  Float learningRate;

  @Option(
      names = "--momentum",
      defaultValue = "0.9",
      description = "SGD momentum. Default: ${DEFAULT-VALUE}.")
  float momentum;

  @Option(
      names = "--weight-decay",
      defaultValue = "0.0001",
      description = "L2 weight decay. Default: ${DEFAULT-VALUE}.")
  float weightDecay;

  @Option(
      names = "--schedule",
      defaultValue = "cosine",
      description = "cosine, step (x0.1 at 50%% and 75%%) or fixed. Default: ${DEFAULT-VALUE}.")
  String schedule;

  @Option(
      names = "--warmup-steps",
      defaultValue = "50",
      description = "Linear warm-up steps. Default: ${DEFAULT-VALUE}.")
  int warmupSteps;

  @Option(
      names = "--aux",
      negatable = true,
      defaultValue = "true",
      fallbackValue = "true",
      description =
          "Train with the two auxiliary classifiers on a4 and d4 (dropped from the saved model). Default: ${DEFAULT-VALUE}.")
  boolean aux;

  @Option(
      names = "--aux-weight",
      defaultValue = "0.3",
      description = "Weight of each auxiliary loss. Default: ${DEFAULT-VALUE}.")
  float auxWeight;

  @Option(
      names = "--augment",
      negatable = true,
      defaultValue = "true",
      fallbackValue = "true",
      description = "Random crop with 4-pixel padding. Default: ${DEFAULT-VALUE}.")
  boolean augment;

  @Option(
      names = "--flip",
      negatable = true,
      defaultValue = "true",
      fallbackValue = "true",
      description =
          "Random horizontal flips (every shapes and CIFAR-10 class allows them). Default: ${DEFAULT-VALUE}.")
  boolean flip;

  @Option(
      names = "--compiled",
      negatable = true,
      defaultValue = "true",
      fallbackValue = "true",
      description =
          "Train through the compiled MXNet graph; --no-compiled runs DJL's blocks op by op (the reference path, several times slower). Default: ${DEFAULT-VALUE}.")
  boolean compiled;

  @Option(
      names = "--seed",
      defaultValue = "1",
      description =
          "Seed for data generation, initialisation, shuffling and augmentation. Default: ${DEFAULT-VALUE}.")
  long seed;

  @Option(
      names = "--held-out",
      defaultValue = "500",
      description =
          "With --shapes: held-out images; with --idx: the first N images of the test file."
              + " Default: ${DEFAULT-VALUE}.")
  int heldOut;

  @Option(
      names = "--labels",
      paramLabel = "FILE",
      description = "With --idx: class names, one per line. Default: Fashion-MNIST's ten.")
  Path idxLabels;

  @Option(
      names = "--held-out-seed",
      description = "With --shapes: seed of the held-out set. Default: SEED + 1000.")
  Long heldOutSeed;

  @Option(
      names = "--validation-split",
      defaultValue = "0.1",
      description = "With --data: fraction held out. Default: ${DEFAULT-VALUE}.")
  double validationSplit;

  @Option(
      names = "--name",
      defaultValue = "googlenet",
      description = "Model name. Default: ${DEFAULT-VALUE}.")
  String name;

  @Option(
      names = "--model-version",
      defaultValue = "1.0.0",
      description = "Model version. Default: ${DEFAULT-VALUE}.")
  String modelVersion;

  @Option(
      names = "--json",
      description = "Print the final summary as JSON on stdout (progress stays on stderr).")
  boolean json;

  @Override
  public Integer call() throws IOException, InvalidModelException {
    TrainingOptions options;
    try {
      float lr =
          learningRate != null ? learningRate : "sgd".equalsIgnoreCase(optimizer) ? 0.05f : 0.001f;
      options =
          new TrainingOptions(
              epochs,
              batchSize,
              optimizer,
              lr,
              momentum,
              weightDecay,
              schedule,
              warmupSteps,
              aux,
              auxWeight,
              augment,
              flip,
              seed,
              compiled,
              checkpointEvery);
    } catch (IllegalArgumentException e) {
      throw new CliException(e.getMessage(), 2);
    }
    if (validationSplit <= 0 || validationSplit >= 1) {
      throw new CliException(
          "Invalid value " + validationSplit + " for option --validation-split: must be in (0, 1)",
          2);
    }
    EngineSetup.apply(0);
    PrintWriter err = spec.commandLine().getErr();
    LabeledImages trainSet;
    LabeledImages heldOutSet;
    long hoSeed = heldOutSeed != null ? heldOutSeed : seed + 1000;
    if (data.shapes != null) {
      if (hoSeed == seed) {
        throw new CliException(
            "--held-out-seed must differ from --seed, or the held-out images would be training images",
            2);
      }
      trainSet = data.load(true, seed);
      heldOutSet = LabeledImages.shapes(heldOut, hoSeed);
    } else if (data.cifar10 != null) {
      trainSet = data.load(true, seed);
      heldOutSet = data.load(false, seed);
    } else if (data.idx != null) {
      // The official split: train on the training file, hold out (the first images of) the test
      // file.
      trainSet = data.load(true, seed, null, idxLabels, Integer.MAX_VALUE);
      heldOutSet = data.load(false, seed, null, idxLabels, heldOut);
    } else {
      List<LabeledImages> parts = data.load(true, seed).split(validationSplit, seed);
      trainSet = parts.get(0);
      heldOutSet = parts.get(1);
    }
    err.printf(
        "Training on %s: %d images, %s; held out: %d images%n",
        trainSet.description(), trainSet.size(), trainSet.classSummary(), heldOutSet.size());
    Map<String, Object> provenance = new LinkedHashMap<>();
    provenance.put(
        "command",
        // originalArgs() is the whole command line, "train" included.
        "inception-stream " + String.join(" ", spec.commandLine().getParseResult().originalArgs()));
    provenance.put("seed", seed);
    List<String> log = new ArrayList<>();
    Path checkpoint =
        checkpointDir != null
            ? checkpointDir
            : out.resolveSibling(out.getFileName() + ".checkpoint");
    int steps = trainSet.size() / batchSize;
    TrainingLoop.Listener listener =
        new TrainingLoop.Listener() {
          Progress bar;
          int barEpoch;

          @Override
          public void batch(
              int epoch, int step, int stepsPerEpoch, double loss, double acc, double ips) {
            if (bar == null || barEpoch != epoch) {
              bar = new Progress(err, "epoch " + epoch + "/" + epochs, stepsPerEpoch, true);
              barEpoch = epoch;
            }
            bar.update(step, String.format("loss %.4f acc %.3f %.1f img/s", loss, acc, ips));
            if (step == stepsPerEpoch) {
              bar.done();
            }
          }

          @Override
          public void epoch(TrainingLoop.EpochStats s) {
            String line =
                String.format(
                    "epoch %d: loss %.4f, train accuracy %.4f, held-out accuracy %.4f, %.1f img/s, %.0f s",
                    s.epoch(),
                    s.loss(),
                    s.trainAccuracy(),
                    s.heldOutAccuracy(),
                    s.imagesPerSecond(),
                    s.seconds());
            err.println(line);
            err.flush();
            log.add(line);
          }

          @Override
          public void log(String line) {
            err.println(line);
            err.flush();
          }
        };
    err.printf(
        "%d steps per epoch of %d images; checkpoints in %s%n", steps, batchSize, checkpoint);
    TrainingLoop loop =
        new TrainingLoop(
            options,
            trainSet,
            heldOutSet,
            out,
            checkpoint,
            name,
            modelVersion,
            provenance,
            listener);
    TrainingLoop.Result result;
    try {
      result = loop.run(resume);
    } catch (IllegalArgumentException e) {
      // A checkpoint these options cannot continue: a usage error, named in the message.
      throw new CliException(e.getMessage(), 2);
    }
    Evaluation.Result eval = TrainingLoop.evaluate(result.model(), heldOutSet);
    TrainingLoop.recordEvaluation(
            result.model(), "heldOutEvaluation", eval, heldOutSet.description())
        .withProvenance(Map.of("log", log));
    PrintWriter o = spec.commandLine().getOut();
    if (json) {
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("model", out.toString());
      doc.put("accuracy", eval.accuracy());
      doc.put("images", eval.images());
      doc.put("bestEpoch", result.bestEpoch());
      doc.put("history", result.history());
      doc.put("classes", eval.classes());
      doc.put("confusion", eval.confusion());
      Json.print(o, doc);
    } else {
      o.printf("Model written to %s (best epoch %d)%n", out, result.bestEpoch());
      EvalCommand.printHuman(o, eval);
    }
    return 0;
  }
}
