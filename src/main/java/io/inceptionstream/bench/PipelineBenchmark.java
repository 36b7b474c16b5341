package io.inceptionstream.bench;

import com.codahale.metrics.Meter;
import io.inceptionstream.broker.EmbeddedBroker;
import io.inceptionstream.broker.Topics;
import io.inceptionstream.client.ImagePublisher;
import io.inceptionstream.config.WorkerConfig;
import io.inceptionstream.inference.ModelBenchmark;
import io.inceptionstream.inference.RunnerOptions;
import io.inceptionstream.model.InvalidModelException;
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
 * Measures the pipeline through a real (embedded) broker, as ratios in one run with the median of
 * several repetitions: the worker draining a backlog against the model's offline throughput at the
 * same batch size; the worker with micro-batches against the worker with one image per forward
 * pass; the worker with the zero-cost stand-in model against a plain consume→produce passthrough.
 * Each repetition reads the same backlog with a fresh consumer group. Runs on the calling thread;
 * starts and stops its own broker.
 */
public final class PipelineBenchmark {

  /**
   * Settings.
   *
   * @param images backlog for the measurements with the model
   * @param standInImages backlog for the stand-in and passthrough measurements
   * @param batchSize micro-batch size (and the offline batch size)
   * @param partitions input topic partitions
   * @param runs repetitions; medians are reported
   * @param threads native compute threads (0 = one per core)
   * @param bootstrapServers an existing broker to use, or null for an embedded one
   */
  public record Settings(
      int images,
      int standInImages,
      int batchSize,
      int partitions,
      int runs,
      int threads,
      String bootstrapServers) {}

  private final Settings settings;
  private final ModelDirectory model;
  private final Consumer<String> log;
  private String prefix = "";

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
    try (EmbeddedBroker broker = EmbeddedBroker.start(0, workDir.resolve("kafka"))) {
      return run(broker.bootstrapServers(), "");
    }
  }

  private Map<String, Object> run(String bootstrap, String namePrefix) throws Exception {
    this.prefix = namePrefix;
    {
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
      log.accept(
          "Publishing " + settings.images() + " + " + settings.standInImages() + " shapes...");
      publish(bootstrap, topic("bench.images"), settings.images());
      publish(bootstrap, topic("bench.standin.images"), settings.standInImages());
      List<Double> offline = new ArrayList<>();
      List<Double> batched = new ArrayList<>();
      List<Double> perRecord = new ArrayList<>();
      List<Double> standIn = new ArrayList<>();
      List<Double> passthrough = new ArrayList<>();
      // One unmeasured round of the fast pair, so both run with warm code.
      worker(
          bootstrap,
          topic("bench.standin.images"),
          "warmup-standin",
          settings.batchSize(),
          "stand-in",
          settings.standInImages());
      Passthrough.run(
          bootstrap,
          topic("bench.standin.images"),
          topic("bench.copy"),
          prefix + "warmup-copy",
          settings.standInImages(),
          Duration.ofMinutes(5));
      for (int r = 1; r <= settings.runs(); r++) {
        offline.add(offline());
        batched.add(
            worker(
                bootstrap,
                topic("bench.images"),
                "batched-" + r,
                settings.batchSize(),
                "mxnet",
                settings.images()));
        perRecord.add(
            worker(
                bootstrap,
                topic("bench.images"),
                "per-record-" + r,
                1,
                "mxnet",
                settings.images()));
        standIn.add(
            worker(
                bootstrap,
                topic("bench.standin.images"),
                "standin-" + r,
                settings.batchSize(),
                "stand-in",
                settings.standInImages()));
        passthrough.add(
            settings.standInImages()
                / Passthrough.run(
                    bootstrap,
                    topic("bench.standin.images"),
                    topic("bench.copy"),
                    prefix + "copy-" + r,
                    settings.standInImages(),
                    Duration.ofMinutes(5)));
        log.accept(
            String.format(
                "run %d: offline %.1f, worker %.1f, per-record %.1f, stand-in %.0f, passthrough %.0f images/s",
                r,
                offline.get(r - 1),
                batched.get(r - 1),
                perRecord.get(r - 1),
                standIn.get(r - 1),
                passthrough.get(r - 1)));
      }
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("batchSize", settings.batchSize());
      doc.put("images", settings.images());
      doc.put("standInImages", settings.standInImages());
      doc.put("partitions", settings.partitions());
      doc.put("runs", settings.runs());
      doc.put("cores", Runtime.getRuntime().availableProcessors());
      Map<String, Object> ips = new LinkedHashMap<>();
      ips.put("modelOffline", median(offline));
      ips.put("worker", median(batched));
      ips.put("workerPerRecord", median(perRecord));
      ips.put("workerStandIn", median(standIn));
      ips.put("kafkaPassthrough", median(passthrough));
      doc.put("imagesPerSecond", ips);
      Map<String, Object> ratios = new LinkedHashMap<>();
      ratios.put("workerVsModelOffline", ratioMedian(batched, offline));
      ratios.put("microBatchingVsPerRecord", ratioMedian(batched, perRecord));
      ratios.put("standInPipelineVsPassthrough", ratioMedian(standIn, passthrough));
      doc.put("ratios", ratios);
      Map<String, Object> raw = new LinkedHashMap<>();
      raw.put("modelOffline", offline);
      raw.put("worker", batched);
      raw.put("workerPerRecord", perRecord);
      raw.put("workerStandIn", standIn);
      raw.put("kafkaPassthrough", passthrough);
      doc.put("perRun", raw);
      return doc;
    }
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

  /** Model alone, same batch size, as many images as the worker backlog. */
  private double offline() throws InvalidModelException {
    int batches =
        Math.max(2, (settings.images() + settings.batchSize() - 1) / settings.batchSize());
    List<ModelBenchmark.Result> r =
        ModelBenchmark.run(
            model,
            RunnerOptions.classifyOnly(),
            "cpu",
            new int[] {settings.batchSize()},
            1,
            batches);
    return r.get(0).imagesPerSecond();
  }

  /**
   * Images per second of a worker draining the backlog: from its first record in to its last out.
   */
  private double worker(
      String bootstrap, String input, String group, int batch, String engine, int count)
      throws Exception {
    Map<String, String> flags = new LinkedHashMap<>();
    flags.put("bootstrap-servers", bootstrap);
    flags.put("model", model.path().toString());
    flags.put("group", prefix + "bench-" + group);
    flags.put("worker.id", "bench");
    flags.put("topics.input", input);
    flags.put("topics.predictions", topic("bench.predictions"));
    flags.put("topics.embeddings", topic("bench.embeddings"));
    flags.put("topics.dead-letter", topic("bench.dlq"));
    flags.put("batch.max-size", Integer.toString(batch));
    flags.put("inference.engine", engine);
    flags.put("inference.threads", Integer.toString(settings.threads()));
    flags.put("pipeline.max-in-flight", Integer.toString(Math.max(256, 4 * batch)));
    flags.put("metrics.enabled", "false");
    flags.put("metrics.jmx", "false");
    Worker w = new Worker(WorkerConfig.load(null, Map.of(), flags), model);
    w.start();
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
      return count / ((System.nanoTime() - first) / 1e9);
    } finally {
      w.stop();
      w.awaitTermination();
    }
  }

  private String topic(String name) {
    return prefix + name;
  }

  static double median(List<Double> values) {
    return ModelBenchmark.median(values.stream().mapToDouble(Double::doubleValue).toArray());
  }

  /** Median of the per-run ratios, so a slow or fast moment of the machine affects both sides. */
  static double ratioMedian(List<Double> a, List<Double> b) {
    List<Double> r = new ArrayList<>();
    for (int i = 0; i < a.size(); i++) {
      r.add(a.get(i) / b.get(i));
    }
    return median(r);
  }
}
