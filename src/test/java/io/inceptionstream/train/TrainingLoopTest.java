package io.inceptionstream.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.training.tracker.Tracker;
import io.inceptionstream.inference.RunnerOptions;
import io.inceptionstream.model.InvalidModelException;
import io.inceptionstream.model.ModelDirectory;
import io.inceptionstream.testing.Engines;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TrainingLoopTest {

  @BeforeAll
  static void engine() {
    Engines.ready();
  }

  private static final class Recorder implements TrainingLoop.Listener {
    final List<TrainingLoop.EpochStats> epochs = new ArrayList<>();
    final List<Integer> steps = new ArrayList<>();
    final List<String> logs = new ArrayList<>();
    int stopAfterStep;

    @Override
    public void batch(
        int epoch, int step, int steps, double loss, double accuracy, double imagesPerSecond) {
      this.steps.add(step);
      if (step == stopAfterStep) {
        throw new RuntimeException("stopped");
      }
    }

    @Override
    public void epoch(TrainingLoop.EpochStats stats) {
      epochs.add(stats);
    }

    @Override
    public void log(String line) {
      logs.add(line);
    }
  }

  @Test
  void aResumedRunWarmsUpAgainAndThenFollowsTheWholeRunsSchedule() {
    TrainingOptions options =
        new TrainingOptions(
            2, 64, "adam", 0.002f, 0.9f, 0f, "cosine", 100, true, 0.3f, false, true, 1, true, 0);
    Tracker fresh = TrainingLoop.schedule(options, 1874, 0);
    Tracker resumed = TrainingLoop.schedule(options, 1874, 937);

    assertEquals(0.0002f, fresh.getNewValue(0), 1e-7f, "a fresh run starts its warm-up at lr/10");
    float planned = fresh.getNewValue(937);
    assertTrue(planned > 0.0009f && planned < 0.0013f, "mid-cosine rate " + planned);
    assertEquals(planned * 0.1f, resumed.getNewValue(937), 1e-7f, "a resume warms up from a tenth");
    assertTrue(resumed.getNewValue(987) > resumed.getNewValue(937), "and rises");
    for (int t : new int[] {1037, 1500, 1873}) {
      assertEquals(fresh.getNewValue(t), resumed.getNewValue(t), 1e-9f, "step " + t);
    }
  }

  @Test
  void theSeededStartAndAResumedCheckpointSurviveTheFirstUpdates(@TempDir Path tmp)
      throws Exception {
    // At a learning rate of 1e-9 an epoch moves no weight measurably, so each run's checkpoint
    // must still hold the values the run started from.
    LabeledImages train = LabeledImages.shapes(16, 3);
    LabeledImages held = LabeledImages.shapes(8, 4);
    Path still = tmp.resolve("still");
    run(options(1, 1e-9f, 7), train, held, tmp.resolve("m1"), still, false);
    assertArrayEquals(seededStem(7), checkpointStem(still), 1e-6f, "the seeded start");

    Path ckpt = tmp.resolve("ckpt");
    run(options(2, 1e-3f, 7), train, held, tmp.resolve("m2"), ckpt, false);
    float[] trained = checkpointStem(ckpt);
    assertTrue(maxDifference(trained, seededStem(7)) > 1e-3, "two epochs at 1e-3 moved it");
    olderFormat(ckpt);
    Recorder resumed = new Recorder();
    run(options(3, 1e-9f, 7), train, held, tmp.resolve("m2"), ckpt, true, resumed);
    assertArrayEquals(trained, checkpointStem(ckpt), 1e-6f, "the resumed epoch kept the weights");
    assertTrue(
        resumed.logs.stream().anyMatch(l -> l.contains("holds no optimizer state")),
        resumed.logs.toString());
  }

  /**
   * Turns a checkpoint into the form written before mid-epoch checkpoints: parameters in {@code
   * training.params}, no optimizer state, a state without {@code partial}, {@code parameters} or
   * {@code optimizer}.
   */
  private static void olderFormat(Path ckpt) throws Exception {
    try (var files = Files.list(ckpt)) {
      for (Path f : files.toList()) {
        if (f.toString().endsWith(".params")) {
          Files.move(f, ckpt.resolve("training.params"));
        } else if (f.toString().endsWith(".optimizer")) {
          Files.delete(f);
        }
      }
    }
    var json = new com.fasterxml.jackson.databind.ObjectMapper();
    var state =
        (com.fasterxml.jackson.databind.node.ObjectNode)
            json.readTree(ckpt.resolve("state.json").toFile());
    state.remove(List.of("partial", "parameters", "optimizer"));
    json.writeValue(ckpt.resolve("state.json").toFile(), state);
  }

  private static void run(
      TrainingOptions options,
      LabeledImages train,
      LabeledImages held,
      Path out,
      Path checkpoint,
      boolean resume)
      throws Exception {
    run(options, train, held, out, checkpoint, resume, new Recorder());
  }

  private static void run(
      TrainingOptions options,
      LabeledImages train,
      LabeledImages held,
      Path out,
      Path checkpoint,
      boolean resume,
      Recorder recorder)
      throws Exception {
    new TrainingLoop(options, train, held, out, checkpoint, "t", "1", Map.of(), recorder)
        .run(resume);
  }

  @ParameterizedTest
  @ValueSource(strings = {"adam", "sgd-momentum", "sgd"})
  void aRunStoppedInsideAnEpochResumesAtTheNextStepAsIfNeverStopped(
      String optimizer, @TempDir Path tmp) throws Exception {
    // A resume that continues the same steps on the same images, augmentation and dropout masks,
    // with the optimizer's state (Adam's moments, SGD's momentum) and its place in the warm-up and
    // schedule, must end with the uninterrupted run's weights; one that redid or skipped a step,
    // restarted the state or warmed up again would not.
    LabeledImages train = LabeledImages.shapes(32, 3);
    LabeledImages held = LabeledImages.shapes(8, 4);
    Path whole = tmp.resolve("whole");
    Recorder uninterrupted = new Recorder();
    run(stateful(optimizer, 0), train, held, tmp.resolve("m1"), whole, false, uninterrupted);

    Path stopped = tmp.resolve("stopped");
    Recorder first = new Recorder();
    first.stopAfterStep = 3;
    RuntimeException stop =
        assertThrows(
            RuntimeException.class,
            () ->
                run(stateful(optimizer, 2), train, held, tmp.resolve("m2"), stopped, false, first));
    assertEquals("stopped", stop.getMessage());
    assertTrue(
        first.logs.stream().anyMatch(l -> l.contains("epoch 1 step 2 of 4")),
        first.logs.toString());

    Recorder second = new Recorder();
    run(stateful(optimizer, 2), train, held, tmp.resolve("m2"), stopped, true, second);
    assertEquals(List.of(3, 4), second.steps, "steps 1 and 2 were in the checkpoint, 3 was lost");
    assertTrue(
        second.logs.get(0).contains("Resuming after epoch 0 and 2 of epoch 1's 4 steps"),
        second.logs.toString());
    assertEquals(uninterrupted.epochs.get(0).loss(), second.epochs.get(0).loss(), 1e-6);
    Map<String, float[]> expected = checkpointParameters(whole);
    Map<String, float[]> actual = checkpointParameters(stopped);
    assertEquals(expected.keySet(), actual.keySet());
    expected.forEach((name, v) -> assertArrayEquals(v, actual.get(name), 1e-5f, name));
    try (var files = Files.list(stopped)) {
      assertEquals(
          optimizer.equals("sgd")
              ? List.of("state.json", "training-1-0.params")
              : List.of("state.json", "training-1-0.optimizer", "training-1-0.params"),
          files.map(f -> f.getFileName().toString()).sorted().toList(),
          "only the files the state names are kept");
    }
    assertTrue(
        maxDifference(expected.get(STEM), seededStem(3)) > 1e-4, "the steps moved the weights");

    IllegalArgumentException other =
        assertThrows(
            IllegalArgumentException.class,
            () -> run(sgd(2), train, held, tmp.resolve("m3"), midEpoch(tmp, train, held), true));
    assertTrue(other.getMessage().contains("resume with --batch-size 4"), other.getMessage());
  }

  /** A checkpoint written after step 2 of a run at batch size 8, read back at batch size 4. */
  private static Path midEpoch(Path tmp, LabeledImages train, LabeledImages held) throws Exception {
    Path ckpt = tmp.resolve("mid");
    Recorder r = new Recorder();
    r.stopAfterStep = 2;
    assertThrows(
        RuntimeException.class, () -> run(sgd(2), train, held, tmp.resolve("m3"), ckpt, false, r));
    Files.writeString(
        ckpt.resolve("state.json"),
        Files.readString(ckpt.resolve("state.json"))
            .replace("\"batchSize\" : 8", "\"batchSize\" : 4"));
    return ckpt;
  }

  /**
   * Adam, SGD with momentum or plain SGD ({@link ResumableOptimizer#kind}), with a warm-up and a
   * cosine schedule that a resume must not restart.
   */
  private static TrainingOptions stateful(String kind, int checkpointEvery) {
    return new TrainingOptions(
        1,
        8,
        kind.startsWith("sgd") ? "sgd" : kind,
        kind.equals("adam") ? 0.01f : 0.05f,
        kind.equals("sgd") ? 0f : 0.9f,
        1e-4f,
        "cosine",
        2,
        true,
        0.3f,
        true,
        true,
        3,
        true,
        checkpointEvery);
  }

  @Test
  void aResumeOfAResumeWhoseStateStartedAfreshUpdatesAsThatResumeWould(@TempDir Path tmp)
      throws Exception {
    // A checkpoint without optimizer state (as written before it was kept) resumed at step 2
    // starts Adam's moments there and warms up again; stopped after step 3 and resumed once more,
    // the run must go on from that state, counting its bias correction and warm-up from step 2.
    LabeledImages train = LabeledImages.shapes(32, 3);
    LabeledImages held = LabeledImages.shapes(8, 4);
    Path start = tmp.resolve("start");
    Recorder first = new Recorder();
    first.stopAfterStep = 2;
    assertThrows(
        RuntimeException.class,
        () -> run(stateful("adam", 1), train, held, tmp.resolve("m0"), start, false, first));
    withoutOptimizerState(start);

    Path once = copy(start, tmp.resolve("once"));
    Recorder afresh = new Recorder();
    run(stateful("adam", 1), train, held, tmp.resolve("m1"), once, true, afresh);
    assertTrue(afresh.logs.get(0).contains("and 2 of epoch 1"), afresh.logs.toString());
    assertTrue(
        afresh.logs.stream().anyMatch(l -> l.contains("adam starts afresh")),
        afresh.logs.toString());

    Path twice = copy(start, tmp.resolve("twice"));
    Recorder stopped = new Recorder();
    stopped.stopAfterStep = 3;
    assertThrows(
        RuntimeException.class,
        () -> run(stateful("adam", 1), train, held, tmp.resolve("m2"), twice, true, stopped));
    Recorder again = new Recorder();
    run(stateful("adam", 1), train, held, tmp.resolve("m2"), twice, true, again);
    assertEquals(List.of(4), again.steps);
    assertTrue(again.logs.stream().noneMatch(l -> l.contains("afresh")), again.logs.toString());

    Map<String, float[]> expected = checkpointParameters(once);
    Map<String, float[]> actual = checkpointParameters(twice);
    expected.forEach((name, v) -> assertArrayEquals(v, actual.get(name), 1e-5f, name));
  }

  @Test
  void aCheckpointWhoseOptimizerStateIsMissingIsRefusedSayingWhatToDo(@TempDir Path tmp)
      throws Exception {
    LabeledImages train = LabeledImages.shapes(16, 3);
    LabeledImages held = LabeledImages.shapes(8, 4);
    Path ckpt = tmp.resolve("ckpt");
    run(stateful("adam", 0), train, held, tmp.resolve("m"), ckpt, false);
    try (var files = Files.list(ckpt)) {
      for (Path f : files.filter(f -> f.toString().endsWith(".optimizer")).toList()) {
        Files.delete(f);
      }
    }
    TrainingOptions two =
        new TrainingOptions(
            2, 8, "adam", 0.01f, 0.9f, 1e-4f, "cosine", 2, true, 0.3f, true, true, 3, true, 0);
    var e =
        assertThrows(
            InvalidModelException.class, () -> run(two, train, held, tmp.resolve("m"), ckpt, true));
    assertTrue(e.getMessage().contains("training-1-0.optimizer, which is missing"), e.getMessage());
    assertTrue(e.getMessage().contains("delete the \"optimizer\" entry"), e.getMessage());
  }

  /** Removes the optimizer's state, as checkpoints written before it was kept were. */
  private static void withoutOptimizerState(Path ckpt) throws Exception {
    try (var files = Files.list(ckpt)) {
      for (Path f : files.filter(f -> f.toString().endsWith(".optimizer")).toList()) {
        Files.delete(f);
      }
    }
    var json = new com.fasterxml.jackson.databind.ObjectMapper();
    var state =
        (com.fasterxml.jackson.databind.node.ObjectNode)
            json.readTree(ckpt.resolve("state.json").toFile());
    state.remove("optimizer");
    json.writeValue(ckpt.resolve("state.json").toFile(), state);
  }

  private static Path copy(Path from, Path to) throws Exception {
    Files.createDirectories(to);
    try (var files = Files.list(from)) {
      for (Path f : files.toList()) {
        Files.copy(f, to.resolve(f.getFileName()));
      }
    }
    return to;
  }

  private static TrainingOptions sgd(int checkpointEvery) {
    return new TrainingOptions(
        1, 8, "sgd", 0.05f, 0f, 0f, "fixed", 0, true, 0.3f, true, true, 3, true, checkpointEvery);
  }

  private static Map<String, float[]> checkpointParameters(Path checkpoint) throws Exception {
    try (NDManager m = NDManager.newBaseManager()) {
      TrainingNetwork n = new TrainingNetwork(ShapeGenerator.CLASSES.size(), true);
      TrainingLoop.loadCheckpoint(checkpoint, n, m);
      Map<String, float[]> out = new java.util.TreeMap<>();
      n.getParameters().forEach(p -> out.put(p.getKey(), p.getValue().getArray().toFloatArray()));
      return out;
    }
  }

  private static final String STEM = "01trunk_01pre_01Conv2d_weight";

  private static TrainingOptions options(int epochs, float learningRate, long seed) {
    return new TrainingOptions(
        epochs,
        8,
        "adam",
        learningRate,
        0.9f,
        0f,
        "fixed",
        0,
        true,
        0.3f,
        false,
        false,
        seed,
        true,
        0);
  }

  private static float[] seededStem(long seed) {
    try (NDManager m = NDManager.newBaseManager()) {
      TrainingNetwork n = new TrainingNetwork(ShapeGenerator.CLASSES.size(), true);
      TrainingLoop.seededStart(n, m, 8, seed);
      return n.getParameters().get(STEM).getArray().toFloatArray();
    }
  }

  private static float[] checkpointStem(Path checkpoint) throws Exception {
    try (NDManager m = NDManager.newBaseManager()) {
      TrainingNetwork n = new TrainingNetwork(ShapeGenerator.CLASSES.size(), true);
      TrainingLoop.loadCheckpoint(checkpoint, n, m);
      return n.getParameters().get(STEM).getArray().toFloatArray();
    }
  }

  private static double maxDifference(float[] a, float[] b) {
    double d = 0;
    for (int i = 0; i < a.length; i++) {
      d = Math.max(d, Math.abs(a[i] - b[i]));
    }
    return d;
  }

  @Test
  void aFewStepsLowerTheLossAndTheSavedModelIsExactlyTheInferenceNetwork(@TempDir Path tmp)
      throws Exception {
    LabeledImages train = LabeledImages.shapes(16, 3);
    LabeledImages held = LabeledImages.shapes(8, 4);
    TrainingOptions options =
        new TrainingOptions(
            4, 8, "adam", 0.001f, 0.9f, 0f, "fixed", 0, true, 0.3f, false, false, 5, true, 0);
    Path out = tmp.resolve("model");
    Recorder rec = new Recorder();
    TrainingLoop loop =
        new TrainingLoop(
            options,
            train,
            held,
            out,
            tmp.resolve("ckpt"),
            "t",
            "1",
            Map.of("command", "test"),
            rec);
    TrainingLoop.Result result = loop.run(false);

    assertEquals(4, rec.epochs.size());
    double first = rec.epochs.get(0).loss();
    double last = rec.epochs.get(3).loss();
    assertTrue(last < first, "loss went from " + first + " to " + last);
    ModelDirectory model = ModelDirectory.open(out);
    assertEquals(
        6_166_250L, model.metadata().trainableParameters(), "auxiliary heads are not saved");
    assertEquals(ShapeGenerator.CLASSES, model.labels());
    assertEquals(
        result.bestEpoch(), ((Number) model.metadata().provenance().get("bestEpoch")).intValue());
    assertTrue(model.metadata().provenance().containsKey("history"));
    // The held-out check runs the training network through the serving path, so the best
    // epoch's recorded accuracy is what the written model scores when served.
    Evaluation.Result served =
        Evaluation.evaluate(model, held, RunnerOptions.classifyOnly(), "cpu", 3);
    assertEquals(
        ((Number) model.metadata().provenance().get("heldOutAccuracy")).doubleValue(),
        served.accuracy(),
        1e-9);
    assertEquals(rec.epochs.get(result.bestEpoch() - 1).heldOutAccuracy(), served.accuracy(), 1e-9);
    assertTrue(Files.exists(tmp.resolve("ckpt").resolve("state.json")));

    // Resuming continues after the checkpointed epoch instead of starting over.
    TrainingOptions more =
        new TrainingOptions(
            5, 8, "adam", 0.001f, 0.9f, 0f, "fixed", 0, true, 0.3f, false, false, 5, true, 0);
    Recorder rec2 = new Recorder();
    TrainingLoop.Result resumed =
        new TrainingLoop(more, train, held, out, tmp.resolve("ckpt"), "t", "1", Map.of(), rec2)
            .run(true);
    assertEquals(1, rec2.epochs.size(), "only epoch 5 ran");
    assertEquals(5, rec2.epochs.get(0).epoch());
    assertEquals(5, resumed.history().size());
  }
}
