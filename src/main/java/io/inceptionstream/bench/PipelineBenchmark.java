package io.inceptionstream.bench;

import com.codahale.metrics.Meter;
import com.codahale.metrics.Timer;
import io.inceptionstream.broker.BrokerProcess;
import io.inceptionstream.broker.EmbeddedBroker;
import io.inceptionstream.broker.Topics;
import io.inceptionstream.client.ImagePublisher;
import io.inceptionstream.config.CostCurve;
import io.inceptionstream.config.WorkerConfig;
import io.inceptionstream.inference.Engines;
import io.inceptionstream.inference.ModelBenchmark;
import io.inceptionstream.inference.RunnerOptions;
import io.inceptionstream.model.ModelDirectory;
import io.inceptionstream.pipeline.Worker;
import io.inceptionstream.train.ShapeGenerator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Measures the pipeline through a real broker, as ratios in one run, by {@link Trials} (warm-up
 * round discarded, measurements interleaved round by round, median with min and max): the worker
 * draining a backlog against the model's offline throughput at the same batch size; the worker with
 * micro-batches against the worker with one image per forward pass; the worker with the zero-cost
 * stand-in model against a plain consume→produce passthrough. With a {@link CostCurve} the first
 * two pairs run on the stand-in with that cost instead of the model, which shows what
 * micro-batching buys on a GPU-like device. Each measurement reads the same backlog with a fresh
 * consumer group, and only one engine is open at a time. The broker runs in a child JVM by default,
 * so its background work and heap stay out of the measuring process. Each round first times the
 * {@link MachineReference}, so the document shows the machine's own drift beside the baseline's.
 * Runs on the calling thread.
 */
public final class PipelineBenchmark {

  /**
   * Settings.
   *
   * @param images backlog for the measurements with the model
   * @param standInImages backlog for the stand-in and passthrough measurements (and for the model
   *     measurements when they run on a costed stand-in)
   * @param batchSize micro-batch size (and the offline batch size)
   * @param partitions input topic partitions
   * @param runs measured rounds, at least {@link Trials#MIN_RUNS}
   * @param threads native compute threads (0 = one per core)
   * @param bootstrapServers an existing broker to use, or null for one started here
   * @param standInCost when not null, the model measurements run on the stand-in with this cost
   * @param inProcessBroker start the broker in this JVM rather than in a child process
   * @param offlineOnOwnThread time the offline baseline on a fresh thread, as the worker's
   *     inference runs, rather than on the calling thread
   */
  public record Settings(
      int images,
      int standInImages,
      int batchSize,
      int partitions,
      int runs,
      int threads,
      String bootstrapServers,
      CostCurve standInCost,
      boolean inProcessBroker,
      boolean offlineOnOwnThread) {}

  /** Warm-up rounds: one, so that every measurement runs with warm code and a warm broker. */
  static final int WARMUP_ROUNDS = 1;

  private static final String STAND_IN = Engines.STAND_IN;

  /** The machine's own speed, measured first in every round (not an images/s figure). */
  static final String REFERENCE = "machineReference";

  private final Settings settings;
  private final ModelDirectory model;
  private final Consumer<String> log;
  private final Map<String, List<Map<String, Object>>> stages = new LinkedHashMap<>();
  private String prefix = "";
  private int groups;

  public PipelineBenchmark(Settings settings, ModelDirectory model, Consumer<String> log) {
    this.settings = settings;
    this.model = model;
    this.log = log;
  }

  /** Runs everything and returns a JSON-ready document. */
  public Map<String, Object> run(Path workDir) throws Exception {
    if (settings.bootstrapServers() != null) {
      return run(settings.bootstrapServers(), "bench-" + System.currentTimeMillis() + "-");
    }
    if (settings.inProcessBroker()) {
      try (EmbeddedBroker broker = EmbeddedBroker.start(0, workDir.resolve("kafka"))) {
        return run(broker.bootstrapServers(), "");
      }
    }
    try (BrokerProcess broker = BrokerProcess.start(workDir.resolve("kafka"), 0)) {
      return run(broker.bootstrapServers(), "");
    }
  }

  private boolean costed() {
    return settings.standInCost() != null;
  }

  /** The engine of the model measurements, as configuration spells it. */
  private String modelEngine() {
    return costed() ? STAND_IN : "mxnet";
  }

  private int modelImages() {
    return costed() ? settings.standInImages() : settings.images();
  }

  private Map<String, Object> run(String bootstrap, String namePrefix) throws Exception {
    this.prefix = namePrefix;
    String modelTopic = costed() ? topic("bench.standin.images") : topic("bench.images");
    Topics.create(
        bootstrap,
        List.of(
            topic("bench.images"),
            topic("bench.standin.images"),
            topic("bench.predictions"),
            topic("bench.embeddings"),
            topic("bench.dlq"),
            topic("bench.copy")),
        settings.partitions(),
        (short) 1,
        Duration.ofSeconds(30));
    if (!costed()) {
      log.accept("Publishing " + settings.images() + " shapes...");
      publish(bootstrap, topic("bench.images"), settings.images());
    }
    log.accept("Publishing " + settings.standInImages() + " shapes...");
    publish(bootstrap, topic("bench.standin.images"), settings.standInImages());
    CostCurve cost = costed() ? settings.standInCost() : CostCurve.ZERO;
    int batch = settings.batchSize();
    int n = modelImages();
    Trials trials =
        new Trials(WARMUP_ROUNDS, settings.runs())
            .add(REFERENCE, MachineReference.perCore()::gflopsPerSecond)
            .add("modelOffline", this::offline)
            .add("worker", () -> worker(bootstrap, modelTopic, "worker", batch, cost, n))
            .add(
                "workerPerRecord",
                () -> worker(bootstrap, modelTopic, "workerPerRecord", 1, cost, n))
            .add(
                "workerStandIn",
                () ->
                    standIn(
                        bootstrap,
                        topic("bench.standin.images"),
                        "workerStandIn",
                        batch,
                        settings.standInImages()))
            .add("kafkaPassthrough", () -> passthrough(bootstrap));
    Trials.Results results =
        trials.run(
            (r, round) -> {
              StringBuilder line = new StringBuilder("run " + r + ":");
              round.forEach(
                  (k, v) -> {
                    if (!REFERENCE.equals(k)) {
                      line.append(String.format(" %s %.1f", k, v));
                    }
                  });
              log.accept(
                  line + String.format(" images/s; machine %.2f GFLOP/s", round.get(REFERENCE)));
            });
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("model", costed() ? "stand-in " + settings.standInCost() : model.metadata().name());
    if (costed()) {
      doc.put("standInCost", settings.standInCost().toString());
      if (!settings.standInCost().isZero()) {
        doc.put("deviceImagesPerSecond", settings.standInCost().imagesPerSecond(batch));
      }
    }
    doc.put("batchSize", batch);
    doc.put("images", n);
    doc.put("standInImages", settings.standInImages());
    doc.put("partitions", settings.partitions());
    doc.put("runs", settings.runs());
    doc.put("warmupRounds", WARMUP_ROUNDS);
    doc.put("cores", Runtime.getRuntime().availableProcessors());
    doc.put(
        "broker",
        settings.bootstrapServers() != null
            ? "external"
            : settings.inProcessBroker() ? "in-process" : "child-process");
    doc.put("offlineThread", settings.offlineOnOwnThread() ? "own" : "calling");
    Map<String, Trials.Figure> figures = results.figures();
    Trials.Figure machine = figures.remove(REFERENCE);
    doc.put("imagesPerSecond", figures);
    doc.put("machineReference", Map.of("gflopsPerSecond", machine));
    // Max over min of the baseline beside the machine's own in the same rounds: when the two are
    // alike, the baseline drifts because the machine does.
    Map<String, Object> spread = new LinkedHashMap<>();
    spread.put("modelOffline", round2(figures.get("modelOffline").spread()));
    spread.put("machineReference", round2(machine.spread()));
    doc.put("spread", spread);
    Map<String, Object> ratios = new LinkedHashMap<>();
    ratios.put("workerVsModelOffline", results.ratio("worker", "modelOffline"));
    ratios.put("microBatchingVsPerRecord", results.ratio("worker", "workerPerRecord"));
    ratios.put("standInPipelineVsPassthrough", results.ratio("workerStandIn", "kafkaPassthrough"));
    doc.put("ratios", ratios);
    doc.put("perRun", results.values());
    Map<String, Object> measuredStages = new LinkedHashMap<>();
    // The first calls of each were the warm-up round.
    stages.forEach(
        (k, v) -> measuredStages.put(k, v.subList(v.size() - settings.runs(), v.size())));
    doc.put("stages", measuredStages);
    doc.put("jvmActivity", results.activity());
    return doc;
  }

  private void publish(String bootstrap, String topic, int n) throws Exception {
    try (ImagePublisher p =
        ImagePublisher.builder().bootstrapServers(bootstrap).topic(topic).build()) {
      List<CompletableFuture<?>> sends = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        ShapeGenerator.Sample s = ShapeGenerator.sample(77, i);
        sends.add(p.publish("bench-" + i, s.png(), Map.of()));
      }
      p.flush();
      CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).join();
    }
  }

  /**
   * The model alone at the batch size, as many images as the worker backlog: an engine opened for
   * this measurement only and closed after it, so no two are ever open together, with one untimed
   * pass first.
   */
  private double offline() throws Exception {
    if (!settings.offlineOnOwnThread()) {
      return offlineHere();
    }
    // On a thread of its own, created, used and ended like the worker's inference thread, so both
    // sides meet the engine (and its per-thread OpenMP team) on the same terms.
    java.util.concurrent.CompletableFuture<Double> result = new CompletableFuture<>();
    Thread t =
        new Thread(
            () -> {
              try {
                result.complete(offlineHere());
              } catch (Throwable e) {
                result.completeExceptionally(e);
              }
            },
            "bench-offline");
    t.start();
    t.join();
    try {
      return result.get();
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof Exception x) {
        throw x;
      }
      throw e;
    }
  }

  private double offlineHere() throws Exception {
    int batch = settings.batchSize();
    int passes = Math.max(2, (modelImages() + batch - 1) / batch);
    RunnerOptions options =
        RunnerOptions.classifyOnly()
            .withEngine(modelEngine())
            .withStandInCost(costed() ? settings.standInCost() : CostCurve.ZERO);
    try (ModelBenchmark m = ModelBenchmark.open(model, options, "cpu", batch)) {
      m.passMillis(batch);
      double millis = 0;
      for (int i = 0; i < passes; i++) {
        millis += m.passMillis(batch);
      }
      return passes * batch * 1000.0 / millis;
    }
  }

  private double standIn(String bootstrap, String input, String name, int batch, int count)
      throws Exception {
    return worker(bootstrap, input, name, batch, CostCurve.ZERO, count, STAND_IN);
  }

  private double worker(
      String bootstrap, String input, String name, int batch, CostCurve cost, int count)
      throws Exception {
    return worker(bootstrap, input, name, batch, cost, count, modelEngine());
  }

  /**
   * Images per second of a worker draining the backlog: from its first record in to its last out.
   * Also records, per call, the mean batch size and the share of the time the (stand-in) device was
   * busy: near 1 the device is the limit, well below it the pipeline upstream or downstream is.
   */
  private double worker(
      String bootstrap,
      String input,
      String name,
      int batch,
      CostCurve cost,
      int count,
      String engine)
      throws Exception {
    Map<String, String> flags = new LinkedHashMap<>();
    flags.put("bootstrap-servers", bootstrap);
    flags.put("model", model.path().toString());
    flags.put("group", prefix + "bench-" + name + "-" + ++groups);
    flags.put("worker.id", "bench");
    flags.put("topics.input", input);
    flags.put("topics.predictions", topic("bench.predictions"));
    flags.put("topics.embeddings", topic("bench.embeddings"));
    flags.put("topics.dead-letter", topic("bench.dlq"));
    flags.put("batch.max-size", Integer.toString(batch));
    flags.put("inference.engine", engine);
    flags.put("inference.stand-in.cost", cost.toString());
    flags.put("inference.threads", Integer.toString(settings.threads()));
    flags.put("pipeline.max-in-flight", Integer.toString(Math.max(256, 4 * batch)));
    flags.put("metrics.enabled", "false");
    flags.put("metrics.jmx", "false");
    Worker w = new Worker(WorkerConfig.load(null, Map.of(), flags), model);
    w.start();
    ThreadCpu cpu = new ThreadCpu();
    try {
      Meter in = w.metrics().recordsIn;
      Meter out = w.metrics().recordsPredicted;
      long deadline = System.nanoTime() + Duration.ofMinutes(30).toNanos();
      long first = 0;
      while (out.getCount() < count) {
        if (first == 0 && in.getCount() > 0) {
          first = System.nanoTime();
        }
        if (System.nanoTime() > deadline || w.failure() != null) {
          throw new IllegalStateException(
              "Worker predicted "
                  + out.getCount()
                  + " of "
                  + count
                  + (w.failure() == null ? "" : ": " + w.failure()));
        }
        Thread.sleep(2);
      }
      double seconds = (System.nanoTime() - first) / 1e9;
      Timer forward = w.metrics().inferenceBatch;
      Map<String, Object> s = new LinkedHashMap<>();
      s.put("meanBatch", forward.getCount() == 0 ? 0.0 : (double) count / forward.getCount());
      s.put("deviceBusy", forward.getCount() * forward.getSnapshot().getMean() / 1e9 / seconds);
      s.put("cpuMicrosPerRecord", cpu.microsPerRecord(count));
      s.put("wallMicrosPerRecord", Math.round(seconds * 1e8 / count) / 100.0);
      stages.computeIfAbsent(name, k -> new ArrayList<>()).add(s);
      return count / seconds;
    } finally {
      w.stop();
      w.awaitTermination();
    }
  }

  private double passthrough(String bootstrap) {
    int n = settings.standInImages();
    ThreadCpu cpu = new ThreadCpu();
    double seconds =
        Passthrough.run(
            bootstrap,
            topic("bench.standin.images"),
            topic("bench.copy"),
            prefix + "copy-" + ++groups,
            n,
            Duration.ofMinutes(5));
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("cpuMicrosPerRecord", cpu.microsPerRecord(n));
    s.put("wallMicrosPerRecord", Math.round(seconds * 1e8 / n) / 100.0);
    stages.computeIfAbsent("kafkaPassthrough", k -> new ArrayList<>()).add(s);
    return n / seconds;
  }

  private static double round2(double v) {
    return Math.round(v * 100) / 100.0;
  }

  private String topic(String name) {
    return prefix + name;
  }
}
