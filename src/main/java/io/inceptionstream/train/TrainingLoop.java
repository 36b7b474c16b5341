package io.inceptionstream.train;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.tracker.CosineTracker;
import ai.djl.training.tracker.MultiFactorTracker;
import ai.djl.training.tracker.Tracker;
import ai.djl.training.tracker.WarmUpTracker;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.inceptionstream.image.Preprocessor;
import io.inceptionstream.inference.Backend;
import io.inceptionstream.inference.Classifier;
import io.inceptionstream.inference.NetworkOutputs;
import io.inceptionstream.inference.RunnerOptions;
import io.inceptionstream.model.GoogLeNet;
import io.inceptionstream.model.InvalidModelException;
import io.inceptionstream.model.ModelDirectory;
import io.inceptionstream.model.SeededInitializer;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Trains the seed's GoogLeNet with DJL's training API on the MXNet engine: the {@link
 * TrainingNetwork} (trunk plus optional auxiliary heads), {@link AuxiliaryLoss}, Adam or SGD with
 * momentum, weight decay, warm-up and a cosine or step schedule, random-crop and flip augmentation
 * in plain Java, BatchNorm in training mode. After every epoch it evaluates the held-out set,
 * writes a checkpoint (all training parameters, the optimizer's state and the run's, for {@code
 * --resume}) and, when the held-out accuracy is the best so far, the model directory itself: the
 * trunk only, exactly the inference parameters. With {@link TrainingOptions#checkpointEvery()} it
 * also checkpoints inside an epoch, and a resumed run continues at the next step of the same
 * shuffled order with the same augmentation draws, dropout masks and optimizer state, so an epoch
 * longer than a working session survives being stopped. Runs on the calling thread.
 */
public final class TrainingLoop {

  /** Receives progress; called on the training thread. */
  public interface Listener {
    /** After every step. */
    void batch(
        int epoch, int step, int steps, double loss, double accuracy, double imagesPerSecond);

    /** After every epoch's evaluation. */
    void epoch(EpochStats stats);

    /** A line worth keeping in the training log. */
    void log(String line);
  }

  /**
   * One epoch's figures.
   *
   * @param epoch 1-based epoch number
   * @param loss mean training loss (main plus weighted auxiliary losses)
   * @param trainAccuracy top-1 accuracy of the main head on the augmented training batches
   * @param heldOutAccuracy top-1 accuracy on the held-out set, evaluation mode
   * @param imagesPerSecond training throughput
   * @param seconds wall time of the epoch, evaluation included
   */
  public record EpochStats(
      int epoch,
      double loss,
      double trainAccuracy,
      double heldOutAccuracy,
      double imagesPerSecond,
      double seconds) {}

  /**
   * What a run produced.
   *
   * @param model the best model directory written
   * @param history every epoch, resumed ones included
   * @param bestEpoch the epoch whose parameters were kept
   */
  public record Result(ModelDirectory model, List<EpochStats> history, int bestEpoch) {}

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  static final String CHECKPOINT_PARAMS = "training.params";
  private static final String CHECKPOINT_STATE = "state.json";
  private static final String OPTIMIZER_SUFFIX = ".optimizer";
  private static final int HELD_OUT_BATCH = 64;

  private final TrainingOptions options;
  private final LabeledImages train;
  private final LabeledImages heldOut;
  private final Path out;
  private final Path checkpoint;
  private final Listener listener;
  private final Map<String, Object> provenance;
  private final String modelName;
  private final String modelVersion;

  /**
   * @param out the model directory to write (the best epoch's trunk)
   * @param checkpoint directory for per-epoch checkpoints, kept apart so the model stays lean
   * @param provenance recorded in the model's metadata (command, data, ...); training figures are
   *     added
   */
  public TrainingLoop(
      TrainingOptions options,
      LabeledImages train,
      LabeledImages heldOut,
      Path out,
      Path checkpoint,
      String modelName,
      String modelVersion,
      Map<String, Object> provenance,
      Listener listener) {
    if (!train.classes().equals(heldOut.classes())) {
      throw new IllegalArgumentException(
          "Training classes "
              + train.classes()
              + " differ from held-out classes "
              + heldOut.classes());
    }
    if (train.size() < options.batchSize()) {
      throw new IllegalArgumentException(
          "Training set of "
              + train.size()
              + " images is smaller than one batch of "
              + options.batchSize());
    }
    this.options = options;
    this.train = train;
    this.heldOut = heldOut;
    this.out = out;
    this.checkpoint = checkpoint;
    this.listener = listener;
    this.provenance = new LinkedHashMap<>(provenance);
    this.modelName = modelName;
    this.modelVersion = modelVersion;
  }

  /**
   * Trains, or resumes from the checkpoint.
   *
   * @param resume continue from the checkpoint directory if it holds one
   */
  public Result run(boolean resume) throws IOException, InvalidModelException {
    int classes = train.classes().size();
    float[][] stats = train.channelStatistics();
    Preprocessor pre = new Preprocessor(stats[0], stats[1]);
    int stepsPerEpoch = train.size() / options.batchSize();
    int totalSteps = stepsPerEpoch * options.epochs();
    CheckpointState state = resume ? readState(checkpoint) : null;
    int startEpoch = state == null ? 1 : state.completedEpochs() + 1;
    Partial partial =
        state == null ? Partial.NONE : state.partial(options, stepsPerEpoch, train.size());
    List<EpochStats> history = state == null ? new ArrayList<>() : new ArrayList<>(state.history());
    double best = state == null ? -1 : state.bestAccuracy();
    int bestEpoch = state == null ? 0 : state.bestEpoch();
    if (state != null) {
      listener.log(
          "Resuming after epoch "
              + state.completedEpochs()
              + (partial.steps() == 0
                  ? ""
                  : " and "
                      + partial.steps()
                      + " of epoch "
                      + startEpoch
                      + "'s "
                      + stepsPerEpoch
                      + " steps")
              + (bestEpoch == 0
                  ? ""
                  : " (best held-out accuracy " + best + " at epoch " + bestEpoch + ")"));
    }
    int doneSteps = (startEpoch - 1) * stepsPerEpoch + partial.steps();
    String kind = ResumableOptimizer.kind(options.optimizer(), options.momentum());
    OptimizerFile saved = state == null ? null : state.optimizer();
    boolean restored = saved != null && kind.equals(saved.kind());
    if (state != null && !restored) {
      listener.log(
          (saved == null
                  ? "The checkpoint holds no optimizer state (written before it was kept): "
                  : "The checkpoint holds " + saved.kind() + " state; this run's ")
              + kind
              + " starts afresh"
              + (options.warmupSteps() == 0
                  ? ""
                  : ", and the learning rate warms up again over "
                      + options.warmupSteps()
                      + " steps"));
    }
    // The step from which this run's optimizer state counts: a restored state keeps that of the
    // run that began it, so a resume of a resume updates as that run would have.
    int since = restored ? saved.since() : doneSteps;
    TrainingNetwork network = new TrainingNetwork(classes, options.auxiliary());
    try (Model model = Model.newInstance("googlenet-train", Device.cpu(), "MXNet")) {
      model.setBlock(network);
      ResumableOptimizer optimizer = optimizer(totalSteps, doneSteps, since);
      DefaultTrainingConfig config =
          new DefaultTrainingConfig(new AuxiliaryLoss(options.auxWeight())).optOptimizer(optimizer);
      if (state == null) {
        seededStart(network, model.getNDManager(), options.batchSize(), options.seed());
      } else {
        loadCheckpoint(checkpoint, network, model.getNDManager());
        if (restored && optimizer.hasState()) {
          loadOptimizer(checkpoint, saved, optimizer, network, model.getNDManager());
        }
      }
      try (Trainer trainer = model.newTrainer(config)) {
        trainer.initialize(GoogLeNet.inputShape(options.batchSize()));
        CompiledTrainingNetwork compiled =
            options.compiled() ? new CompiledTrainingNetwork(network, trainer.getManager()) : null;
        float[] batch = new float[options.batchSize() * Preprocessor.FLOATS];
        float[] labels = new float[options.batchSize()];
        byte[] scratch = new byte[LabeledImages.BYTES];
        for (int epoch = startEpoch; epoch <= options.epochs(); epoch++) {
          long start = System.nanoTime();
          int[] order = LabeledImages.permutation(train.size(), options.seed() * 31 + epoch);
          SplittableRandom aug = new SplittableRandom(options.seed() * 17 + epoch);
          Partial resumed = epoch == startEpoch ? partial : Partial.NONE;
          double lossSum = resumed.lossSum();
          int correct = resumed.correct();
          int seen = resumed.steps() * options.batchSize();
          int seenHere = 0;
          double earlierSeconds = resumed.seconds();
          for (int i = 0; i < seen; i++) {
            // The steps done before the stop drew these; drawing them again keeps the rest of the
            // epoch's augmentation what an uninterrupted run would have had.
            draw(aug);
          }
          for (int step = resumed.steps(); step < stepsPerEpoch; step++) {
            for (int i = 0; i < options.batchSize(); i++) {
              int idx = order[step * options.batchSize() + i];
              augment(train.pixels(), idx * LabeledImages.BYTES, scratch, draw(aug));
              pre.write(scratch, 0, batch, i * Preprocessor.FLOATS);
              labels[i] = train.labels()[idx];
            }
            // Dropout's masks come from MXNet's generator, whose state no checkpoint holds: seeding
            // it for each step from (seed, epoch, step) gives a resumed run the masks an
            // uninterrupted one would have drawn.
            trainer.getManager().getEngine().setRandomSeed(stepSeed(options.seed(), epoch, step));
            try (NDManager m = trainer.getManager().newSubManager()) {
              NDArray x = m.create(batch, GoogLeNet.inputShape(options.batchSize()));
              NDArray y = m.create(labels);
              float loss;
              float[] predicted;
              try (GradientCollector gc = trainer.newGradientCollector()) {
                NDList preds =
                    compiled != null ? compiled.forward(x, true) : trainer.forward(new NDList(x));
                NDArray l = trainer.getLoss().evaluate(new NDList(y), preds);
                gc.backward(l);
                loss = l.getFloat();
                predicted = preds.get(0).argMax(1).toType(DataType.FLOAT32, false).toFloatArray();
              }
              trainer.step();
              if (!Float.isFinite(loss)) {
                throw new IllegalStateException(
                    "Training diverged at epoch "
                        + epoch
                        + " step "
                        + step
                        + " (loss "
                        + loss
                        + "); lower --learning-rate");
              }
              lossSum += loss;
              for (int i = 0; i < predicted.length; i++) {
                if ((int) predicted[i] == (int) labels[i]) {
                  correct++;
                }
              }
              seen += options.batchSize();
              seenHere += options.batchSize();
            }
            double secs = (System.nanoTime() - start) / 1e9;
            int every = options.checkpointEvery();
            if (every > 0 && (step + 1) % every == 0 && step + 1 < stepsPerEpoch) {
              saveCheckpoint(
                  checkpoint,
                  network,
                  new OptimizerFile(optimizer.kind(), null, since),
                  optimizer,
                  epoch - 1,
                  best,
                  bestEpoch,
                  history,
                  new Partial(
                      step + 1,
                      options.batchSize(),
                      train.size(),
                      lossSum,
                      correct,
                      earlierSeconds + secs));
              listener.log(
                  String.format(
                      "checkpoint at epoch %d step %d of %d written to %s",
                      epoch, step + 1, stepsPerEpoch, checkpoint));
            }
            listener.batch(
                epoch,
                step + 1,
                stepsPerEpoch,
                lossSum / (step + 1),
                (double) correct / seen,
                seenHere / secs);
          }
          double trainSecs = earlierSeconds + (System.nanoTime() - start) / 1e9;
          double heldAcc = heldOutAccuracy(trainer, compiled, pre);
          EpochStats es =
              new EpochStats(
                  epoch,
                  lossSum / stepsPerEpoch,
                  (double) correct / seen,
                  heldAcc,
                  seen / trainSecs,
                  earlierSeconds + (System.nanoTime() - start) / 1e9);
          history.add(es);
          listener.epoch(es);
          if (heldAcc > best) {
            best = heldAcc;
            bestEpoch = epoch;
            writeModel(network.trunk(), classes, stats, history, bestEpoch, best);
            listener.log(
                String.format(
                    "epoch %d: held-out accuracy %.4f is the best so far; model written to %s",
                    epoch, heldAcc, out));
          }
          saveCheckpoint(
              checkpoint,
              network,
              new OptimizerFile(optimizer.kind(), null, since),
              optimizer,
              epoch,
              best,
              bestEpoch,
              history,
              Partial.NONE);
        }
      }
    }
    ModelDirectory best1 = ModelDirectory.open(out);
    return new Result(best1, history, bestEpoch);
  }

  /**
   * @param doneSteps updates already made
   * @param since the update after which the optimizer's state began: 0 for a run started from
   *     scratch (and its resumes), the resume's step for a resume whose state started afresh
   */
  private ResumableOptimizer optimizer(int totalSteps, int doneSteps, int since) {
    Tracker tracker = schedule(options, totalSteps, since);
    if (options.optimizer().equals("sgd")) {
      return ResumableOptimizer.sgd(tracker, options.momentum(), options.weightDecay(), doneSteps);
    }
    // Adam's bias correction must count from its moments' first update, so its update count
    // starts there and the schedule is shifted instead.
    Tracker shifted = since == 0 ? tracker : numUpdate -> tracker.getNewValue(numUpdate + since);
    return ResumableOptimizer.adam(shifted, options.weightDecay(), doneSteps - since);
  }

  /**
   * The learning rate per update: warm-up, then the cosine, step or fixed schedule over all of the
   * run's steps. A run resumed from a checkpoint without the optimizer's state (Adam's moment
   * estimates, SGD's momentum; checkpoints written before it was kept) starts that state afresh;
   * like a fresh run it then warms up, from a tenth of the schedule's value to all of it over
   * {@code --warmup-steps}, before full-size steps.
   *
   * @param doneSteps updates already made before this run (0 unless resuming)
   */
  static Tracker schedule(TrainingOptions options, int totalSteps, int doneSteps) {
    Tracker full = fullSchedule(options, totalSteps);
    int warmup = options.warmupSteps();
    if (doneSteps == 0 || warmup == 0) {
      return full;
    }
    return numUpdate -> {
      float ramp = Math.min(1f, Math.max(0, numUpdate - doneSteps) / (float) warmup);
      return full.getNewValue(numUpdate) * (0.1f + 0.9f * ramp);
    };
  }

  private static Tracker fullSchedule(TrainingOptions options, int totalSteps) {
    float lr = options.learningRate();
    Tracker main;
    int mainSteps = Math.max(1, totalSteps - options.warmupSteps());
    switch (options.schedule()) {
      case "cosine" ->
          main =
              CosineTracker.builder()
                  .setBaseValue(lr)
                  .optFinalValue(lr * 0.01f)
                  .setMaxUpdates(mainSteps)
                  .build();
      case "step" ->
          main =
              MultiFactorTracker.builder()
                  .setBaseValue(lr)
                  .setSteps(new int[] {Math.max(1, mainSteps / 2), Math.max(2, mainSteps * 3 / 4)})
                  .optFactor(0.1f)
                  .build();
      default -> main = Tracker.fixed(lr);
    }
    Tracker tracker =
        options.warmupSteps() == 0
            ? main
            : WarmUpTracker.builder()
                .setMainTracker(main)
                .optWarmUpSteps(options.warmupSteps())
                .optWarmUpBeginValue(lr * 0.1f)
                .build();
    return tracker;
  }

  /** The engine's random seed for one step of a run. */
  static int stepSeed(long seed, int epoch, int step) {
    return new SplittableRandom((seed * 1_000_003L + epoch) * 1_000_003L + step)
        .nextInt(Integer.MAX_VALUE);
  }

  /** One image's augmentation: a shift of the crop and whether to flip. */
  private record Draw(int dx, int dy, boolean flip) {}

  /** Draws one image's augmentation, taking the same values from {@code r} every time. */
  private Draw draw(SplittableRandom r) {
    int dx = options.augment() ? r.nextInt(-4, 5) : 0;
    int dy = options.augment() ? r.nextInt(-4, 5) : 0;
    return new Draw(dx, dy, options.flip() && r.nextBoolean());
  }

  /** Random crop from the image padded by 4 edge pixels, and an optional horizontal flip. */
  private static void augment(byte[] src, int offset, byte[] dst, Draw d) {
    int dx = d.dx();
    int dy = d.dy();
    boolean flip = d.flip();
    int s = Preprocessor.SIZE;
    for (int c = 0; c < 3; c++) {
      int base = c * s * s;
      for (int y = 0; y < s; y++) {
        int sy = Math.max(0, Math.min(s - 1, y + dy));
        for (int x = 0; x < s; x++) {
          int tx = flip ? s - 1 - x : x;
          int sx = Math.max(0, Math.min(s - 1, tx + dx));
          dst[base + y * s + x] = src[offset + base + sy * s + sx];
        }
      }
    }
  }

  /**
   * Top-1 accuracy on the held-out set through the serving path: {@link Evaluation} over a {@link
   * Classifier}, with the trainer's evaluation-mode forward as its backend.
   */
  private double heldOutAccuracy(
      Trainer trainer, CompiledTrainingNetwork compiled, Preprocessor pre) {
    try (Classifier classifier =
        new Classifier(new TrainerBackend(trainer, compiled), pre, false, HELD_OUT_BATCH)) {
      return Evaluation.evaluate(classifier, heldOut).accuracy();
    }
  }

  /**
   * The network being trained as a {@link Backend}: BatchNorm in evaluation mode, logits only, one
   * sub-manager per batch, through the compiled graph when training uses it. It borrows the
   * trainer, which the loop closes, so closing it does nothing. Used on the training thread only.
   */
  private static final class TrainerBackend implements Backend {

    private final Trainer trainer;
    private final CompiledTrainingNetwork compiled;

    TrainerBackend(Trainer trainer, CompiledTrainingNetwork compiled) {
      this.trainer = trainer;
      this.compiled = compiled;
    }

    @Override
    public NetworkOutputs forward(float[] pixels, int n) {
      try (NDManager m = trainer.getManager().newSubManager()) {
        NDArray x =
            m.create(FloatBuffer.wrap(pixels, 0, n * Preprocessor.FLOATS), GoogLeNet.inputShape(n));
        NDArray logits =
            compiled != null
                ? compiled.forward(x, false).get(0)
                : trainer.evaluate(new NDList(x)).get(0);
        return new NetworkOutputs(
            n, (int) logits.getShape().get(1), logits.toFloatArray(), List.of(), List.of());
      }
    }

    @Override
    public void warmUp(int... batchSizes) {
      // Training has already run every kernel the evaluation needs.
    }

    @Override
    public String engine() {
      return trainer.getManager().getEngine().getEngineName();
    }

    @Override
    public boolean compiled() {
      return compiled != null;
    }

    @Override
    public void close() {
      // The trainer belongs to the loop.
    }
  }

  private void writeModel(
      GoogLeNet trunk,
      int classes,
      float[][] stats,
      List<EpochStats> history,
      int bestEpoch,
      double best)
      throws IOException {
    Map<String, Object> p = new LinkedHashMap<>(provenance);
    p.put("method", "trained");
    p.put("preprocessing", Preprocessor.DESCRIPTION);
    p.put("engine", "MXNet");
    p.put("options", options);
    p.put("trainingData", train.description() + " (" + train.size() + " images)");
    p.put("heldOutData", heldOut.description() + " (" + heldOut.size() + " images)");
    p.put("epochsRun", history.size());
    p.put("bestEpoch", bestEpoch);
    p.put("heldOutAccuracy", best);
    p.put("history", history);
    ModelDirectory.write(
        out,
        trunk,
        classes,
        train.classes(),
        modelName,
        modelVersion,
        List.of(stats[0][0], stats[0][1], stats[0][2]),
        List.of(stats[1][0], stats[1][1], stats[1][2]),
        p);
  }

  /** Records an evaluation in the metadata of a model directory written by this loop. */
  public static ModelDirectory recordEvaluation(
      ModelDirectory dir, String key, Evaluation.Result result, String data) throws IOException {
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("data", data);
    e.put("images", result.images());
    e.put("accuracy", result.accuracy());
    e.put("confusion", result.confusion());
    return dir.withProvenance(Map.of(key, e));
  }

  /**
   * Where a checkpoint stands inside an epoch: the steps done and that epoch's running figures.
   *
   * @param steps steps of the epoch done (0: at an epoch's end)
   * @param batchSize images per step of the run that wrote it
   * @param trainImages size of its training set (the shuffled order depends on it)
   * @param lossSum sum of those steps' losses
   * @param correct correct predictions among their images
   * @param seconds wall time those steps took
   */
  record Partial(
      int steps, int batchSize, int trainImages, double lossSum, int correct, double seconds) {
    static final Partial NONE = new Partial(0, 0, 0, 0, 0, 0);
  }

  /**
   * The run's state beside the checkpoint's parameters.
   *
   * @param partial where it stands inside the next epoch (absent from checkpoints written before
   *     mid-epoch checkpoints existed: read as none)
   * @param parameters the file in the checkpoint directory holding the parameters that go with this
   *     state (absent from older checkpoints: {@link #CHECKPOINT_PARAMS})
   * @param optimizer the optimizer's state that goes with them (absent from older checkpoints)
   */
  private record CheckpointState(
      int completedEpochs,
      double bestAccuracy,
      int bestEpoch,
      List<EpochStats> history,
      Partial partial,
      String parameters,
      OptimizerFile optimizer) {

    /** The partial epoch to continue, refused where these options would make it another run. */
    Partial partial(TrainingOptions options, int stepsPerEpoch, int trainImages) {
      if (partial == null || partial.steps() == 0) {
        return Partial.NONE;
      }
      int epoch = completedEpochs + 1;
      if (epoch > options.epochs()) {
        throw new IllegalArgumentException(
            "The checkpoint stopped inside epoch "
                + epoch
                + " ("
                + partial.steps()
                + " steps done); resume with --epochs "
                + epoch
                + " or more");
      }
      if (partial.batchSize() != options.batchSize()
          || partial.trainImages() != trainImages
          || partial.steps() >= stepsPerEpoch) {
        throw new IllegalArgumentException(
            "The checkpoint stopped inside epoch "
                + epoch
                + " after "
                + partial.steps()
                + " steps of "
                + partial.batchSize()
                + " images on a training set of "
                + partial.trainImages()
                + "; resume with --batch-size "
                + partial.batchSize()
                + " and the same training data (this run has "
                + options.batchSize()
                + " and "
                + trainImages
                + ")");
      }
      return partial;
    }
  }

  /**
   * Where a checkpoint keeps its optimizer's state.
   *
   * @param kind {@link ResumableOptimizer#kind}
   * @param file in the checkpoint directory (none for plain SGD, which has no state)
   * @param since the update after which the state began (see {@link #optimizer})
   */
  private record OptimizerFile(String kind, String file, int since) {}

  private static CheckpointState readState(Path checkpoint) throws IOException {
    Path f = checkpoint.resolve(CHECKPOINT_STATE);
    if (!Files.exists(f)) {
      return null;
    }
    return JSON.readValue(f.toFile(), CheckpointState.class);
  }

  /**
   * Writes the parameters and the optimizer's state to files of their own, then the state naming
   * them: the state's atomic rename is the commit, so a process killed at any moment leaves a state
   * and the parameters and optimizer state that go with it. Files no state names any more are
   * deleted after the commit.
   */
  private static void saveCheckpoint(
      Path checkpoint,
      TrainingNetwork network,
      OptimizerFile optimizerFile,
      ResumableOptimizer optimizer,
      int completedEpochs,
      double best,
      int bestEpoch,
      List<EpochStats> history,
      Partial partial)
      throws IOException {
    Files.createDirectories(checkpoint);
    String stem = "training-" + completedEpochs + "-" + partial.steps();
    String name = stem + ".params";
    String optimizerName = optimizer.hasState() ? stem + OPTIMIZER_SUFFIX : null;
    write(checkpoint, name, network::saveParameters);
    if (optimizerName != null) {
      write(checkpoint, optimizerName, os -> optimizer.save(network.getParameters(), os));
    }
    CheckpointState state =
        new CheckpointState(
            completedEpochs,
            best,
            bestEpoch,
            history,
            partial,
            name,
            new OptimizerFile(optimizerFile.kind(), optimizerName, optimizerFile.since()));
    Path stateTmp = Files.createTempFile(checkpoint, CHECKPOINT_STATE, ".tmp");
    JSON.writeValue(stateTmp.toFile(), state);
    Files.move(
        stateTmp,
        checkpoint.resolve(CHECKPOINT_STATE),
        StandardCopyOption.REPLACE_EXISTING,
        StandardCopyOption.ATOMIC_MOVE);
    try (var files = Files.list(checkpoint)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        String n = f.getFileName().toString();
        boolean older =
            n.startsWith("training")
                && (n.endsWith(".params") || n.endsWith(OPTIMIZER_SUFFIX))
                && !n.equals(name)
                && !n.equals(optimizerName);
        // Left by a process killed while writing.
        boolean unfinished =
            (n.startsWith("training") || n.startsWith(CHECKPOINT_STATE)) && n.endsWith(".tmp");
        if (older || unfinished) {
          Files.delete(f);
        }
      }
    }
  }

  private interface Writer {
    void write(DataOutputStream os) throws IOException;
  }

  private static void write(Path checkpoint, String name, Writer writer) throws IOException {
    Path tmp = Files.createTempFile(checkpoint, name, ".tmp");
    try (DataOutputStream os =
        new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp)))) {
      writer.write(os);
    }
    Files.move(
        tmp,
        checkpoint.resolve(name),
        StandardCopyOption.REPLACE_EXISTING,
        StandardCopyOption.ATOMIC_MOVE);
  }

  /**
   * Gives a network that no trainer has seen yet the seeded initialisation. Starting values (these,
   * or a checkpoint's) must be set before {@code Trainer.initialize}: MXNet's trainer keeps its own
   * copy of every trainable parameter (a KVStore, filled at initialisation), applies each update to
   * that copy and writes it back, so values written into the arrays afterwards are seen by the next
   * forward pass and lost at the first step. The trainer's initialisation leaves parameters that
   * already have arrays as they are.
   */
  static void seededStart(TrainingNetwork network, NDManager manager, int batchSize, long seed) {
    network.initialize(manager, DataType.FLOAT32, GoogLeNet.inputShape(batchSize));
    SeededInitializer.initialize(network, seed);
  }

  /**
   * Reads a checkpoint into the parameters of a network that no trainer has seen yet (see {@link
   * #seededStart}).
   */
  static void loadCheckpoint(Path checkpoint, TrainingNetwork network, NDManager manager)
      throws IOException, InvalidModelException {
    CheckpointState state = readState(checkpoint);
    String name =
        state == null || state.parameters() == null ? CHECKPOINT_PARAMS : state.parameters();
    Path f = inside(checkpoint, name);
    try (DataInputStream is =
        new DataInputStream(new BufferedInputStream(Files.newInputStream(f)))) {
      network.loadParameters(manager, is);
    } catch (MalformedModelException e) {
      throw new InvalidModelException(
          f
              + " does not match this training network (was it trained with other --aux or class settings?): "
              + e.getMessage(),
          e);
    }
  }

  /** Reads a checkpoint's optimizer state into an optimizer that has made no update yet. */
  private static void loadOptimizer(
      Path checkpoint,
      OptimizerFile file,
      ResumableOptimizer optimizer,
      TrainingNetwork network,
      NDManager manager)
      throws IOException, InvalidModelException {
    Path stateFile = checkpoint.resolve(CHECKPOINT_STATE);
    if (file.file() == null) {
      throw new InvalidModelException(
          stateFile + " names no file for the " + file.kind() + " optimizer's state");
    }
    Path f = inside(checkpoint, file.file());
    try (InputStream is = new BufferedInputStream(Files.newInputStream(f))) {
      optimizer.load(network.getParameters(), manager, is);
    } catch (NoSuchFileException e) {
      throw new InvalidModelException(
          stateFile
              + " names the optimizer's state "
              + f
              + ", which is missing: restore it, or delete the \"optimizer\" entry from "
              + CHECKPOINT_STATE
              + " to resume with the optimizer's state afresh (and a new warm-up)",
          e);
    } catch (MalformedModelException e) {
      throw new InvalidModelException(
          f + " does not match this run (was it written with other options?): " + e.getMessage(),
          e);
    }
  }

  private static Path inside(Path checkpoint, String name) throws InvalidModelException {
    if (name.contains("/") || name.contains("\\") || name.startsWith(".")) {
      throw new InvalidModelException(
          checkpoint.resolve(CHECKPOINT_STATE) + " names a file outside its directory: " + name);
    }
    return checkpoint.resolve(name);
  }

  /** Evaluates the written model through the serving path. */
  public static Evaluation.Result evaluate(ModelDirectory dir, LabeledImages data)
      throws InvalidModelException {
    return Evaluation.evaluate(dir, data, RunnerOptions.classifyOnly(), "cpu", 64);
  }
}
