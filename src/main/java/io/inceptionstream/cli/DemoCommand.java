package io.inceptionstream.cli;

import io.inceptionstream.broker.EmbeddedBroker;
import io.inceptionstream.broker.Topics;
import io.inceptionstream.client.ImagePublisher;
import io.inceptionstream.client.PredictionSubscriber;
import io.inceptionstream.config.WorkerConfig;
import io.inceptionstream.model.ModelDirectory;
import io.inceptionstream.pipeline.Worker;
import io.inceptionstream.train.FashionMnistTestSet;
import io.inceptionstream.train.ShapeGenerator;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code demo}: everything in one process — an embedded broker, the topics, a worker with the
 * shipped model, Fashion-MNIST test images (or generated shapes) published with their true labels
 * and their predictions read back and scored.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Run the whole system on this machine: an embedded Kafka broker, a worker with the shipped model,",
      "N Fashion-MNIST test images published with their true labels and the predictions scored:",
      "the first 1,000 ship in the jar; with Debian's dataset-fashion-mnist installed, up to 10,000.",
      "--shapes publishes generated shapes to the shapes model instead.",
      "Ends with images, predictions, accuracy, dead letters, throughput and end-to-end latency."
    })
final class DemoCommand implements Callable<Integer> {

  /** Where the demo worker's metrics endpoint listens: loopback only. */
  static final String METRICS_BIND = "127.0.0.1";

  /** Shapes seed never used in training (training used 1, model selection 1001). */
  static final long DEMO_SEED = 2026;

  @Spec CommandSpec spec;

  @Option(
      names = "--images",
      defaultValue = "1000",
      description =
          "Images to publish: the first N of Fashion-MNIST's test set (at most 1,000 without the"
              + " Debian package, 10,000 with it). Default: ${DEFAULT-VALUE}.")
  int images;

  @Option(
      names = "--shapes",
      description =
          "Publish generated shapes instead, to the shapes model unless --model is given.")
  boolean shapes;

  @Option(
      names = "--seed",
      defaultValue = "" + DEMO_SEED,
      description =
          "With --shapes: seed of the published shapes. Default: ${DEFAULT-VALUE} (never used in"
              + " training).")
  long seed;

  @Option(
      names = "--model",
      description =
          "Model directory. Default: the shipped Fashion-MNIST model (the shapes model with"
              + " --shapes).")
  Path model;

  @Option(
      names = "--partitions",
      defaultValue = "4",
      description = "Partitions of each topic. Default: ${DEFAULT-VALUE}.")
  int partitions;

  @Option(
      names = "--timeout",
      defaultValue = "10m",
      converter = DurationConverter.class,
      description =
          "Give up when predictions stop arriving for this long. Default: ${DEFAULT-VALUE}.")
  Duration timeout;

  @Option(
      names = "--keep-running",
      description =
          "Leave broker and worker up after the run (until Ctrl-C) and print how to reach them.")
  boolean keepRunning;

  @Option(
      names = "--json",
      description = "Print only the summary, as JSON, on stdout (progress and logs go to stderr).")
  boolean json;

  @Override
  public Integer call() throws Exception {
    if (images < 1) {
      throw new CliException(
          "Invalid value " + images + " for option --images: must be at least 1", 2);
    }
    if (partitions < 1) {
      throw new CliException(
          "Invalid value " + partitions + " for option --partitions: must be at least 1", 2);
    }
    ModelDirectory dir =
        shapes && model == null
            ? ModelLocator.openShipped(ModelLocator.SHAPES)
            : ModelLocator.openOrDefault(model);
    Source source = shapes ? Source.shapes(images, seed) : Source.fashion(images);
    PrintWriter err = spec.commandLine().getErr();
    Path work = Files.createTempDirectory("inception-demo");
    Resources res = new Resources(work);
    Thread hook = new Thread(res::close, "demo-cleanup");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      long t0 = System.nanoTime();
      err.println("Starting an embedded Kafka broker...");
      res.broker = EmbeddedBroker.start(0, work.resolve("kafka"));
      String bootstrap = res.broker.bootstrapServers();
      List<String> topics = List.of("images", "predictions", "embeddings", "images.dlq");
      Topics.create(bootstrap, topics, partitions, (short) 1, Duration.ofSeconds(30));
      err.printf(
          "Broker at %s; starting a worker with model %s %s...%n",
          bootstrap, dir.metadata().name(), dir.metadata().version());
      WorkerConfig config = WorkerConfig.load(null, Map.of(), workerFlags(bootstrap, dir.path()));
      res.worker = new Worker(config, dir);
      res.worker.start();
      err.printf(
          "Worker ready in %.1f s (metrics on http://127.0.0.1:%d/metrics); publishing %d images: %s...%n",
          (System.nanoTime() - t0) / 1e9, res.worker.metricsPort(), images, source.description);
      Summary s = run(bootstrap, res.worker, source, err);
      s.model = dir.metadata().name() + " " + dir.metadata().version();
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        Json.print(out, s.toMap());
      } else {
        out.printf(
            "%n%s%nimages %d, predictions %d, accuracy %.4f, dead letters %d%n",
            s.data, s.images, s.predictions, s.accuracy, s.deadLetters);
        out.printf(
            "throughput %.1f images/s; end-to-end latency p50 %d ms, p95 %d ms, p99 %d ms%n",
            s.imagesPerSecond, s.p50, s.p95, s.p99);
        out.flush();
      }
      if (keepRunning) {
        err.printf(
            "%nStill running. Broker: %s   Metrics: http://127.0.0.1:%d/metrics   Health: http://127.0.0.1:%d/health/ready%n",
            bootstrap, res.worker.metricsPort(), res.worker.metricsPort());
        err.printf(
            "Try:  bin/inception-stream publish --bootstrap-servers %s --idx --limit 20%n",
            bootstrap);
        err.printf(
            "      bin/inception-stream subscribe --bootstrap-servers %s --from-beginning%n",
            bootstrap);
        err.println("Press Ctrl-C to stop and clean up.");
        err.flush();
        new CountDownLatch(1).await();
      }
      return s.predictions == images && s.deadLetters == 0 ? 0 : 1;
    } finally {
      if (!keepRunning) {
        res.close();
        Runtime.getRuntime().removeShutdownHook(hook);
      }
    }
  }

  /** What the demo publishes: ids, encoded images and their true class names. */
  private record Source(
      String description, List<String> ids, List<byte[]> images, List<String> labels) {

    static Source fashion(int n) throws IOException {
      FashionMnistTestSet set;
      try {
        set = FashionMnistTestSet.first(n);
      } catch (IOException e) {
        throw new CliException(e.getMessage(), 2);
      }
      List<String> ids = new ArrayList<>(n);
      List<byte[]> pngs = new ArrayList<>(n);
      List<String> labels = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        ids.add("fashion-t10k-" + i);
        pngs.add(DatasetCommand.Idx.png(set.images(), i));
        labels.add(set.className(i));
      }
      return new Source(set.source(), ids, pngs, labels);
    }

    static Source shapes(int n, long seed) {
      List<String> ids = new ArrayList<>(n);
      List<byte[]> pngs = new ArrayList<>(n);
      List<String> labels = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        ShapeGenerator.Sample sample = ShapeGenerator.sample(seed, i);
        ids.add("shape-" + seed + "-" + i);
        pngs.add(sample.png());
        labels.add(sample.className());
      }
      return new Source("generated shapes (seed " + seed + ")", ids, pngs, labels);
    }
  }

  private Summary run(String bootstrap, Worker worker, Source source, PrintWriter err)
      throws Exception {
    Map<String, String> truth = new LinkedHashMap<>();
    List<Long> latencies = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    int correct = 0;
    long start;
    long end;
    try (PredictionSubscriber sub =
            PredictionSubscriber.builder().bootstrapServers(bootstrap).fromBeginning(true).build();
        ImagePublisher pub = ImagePublisher.builder().bootstrapServers(bootstrap).build()) {
      start = System.nanoTime();
      List<CompletableFuture<?>> sends = new ArrayList<>();
      for (int i = 0; i < images; i++) {
        String id = source.ids().get(i);
        String label = source.labels().get(i);
        truth.put(id, label);
        sends.add(pub.publish(id, source.images().get(i), Map.of("label", label)));
      }
      pub.flush();
      CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).join();
      Progress bar = new Progress(err, "predictions", images, true);
      long lastArrival = System.nanoTime();
      end = start;
      while (seen.size() < images && System.nanoTime() - lastArrival < timeout.toNanos()) {
        List<PredictionSubscriber.Result> batch = sub.poll(Duration.ofMillis(200));
        for (PredictionSubscriber.Result r : batch) {
          String id = r.prediction().getId();
          if (seen.add(id)) {
            latencies.add(r.latencyMillis());
            if (r.prediction().getLabel().equals(truth.get(id))) {
              correct++;
            }
            end = System.nanoTime();
          }
        }
        if (!batch.isEmpty()) {
          lastArrival = System.nanoTime();
          bar.update(
              seen.size(),
              String.format(
                  "accuracy %.3f", seen.isEmpty() ? 0.0 : (double) correct / seen.size()));
        }
      }
      bar.done();
    }
    Collections.sort(latencies);
    Summary s = new Summary();
    s.data = source.description();
    s.images = images;
    s.predictions = seen.size();
    s.accuracy = seen.isEmpty() ? 0 : (double) correct / seen.size();
    s.deadLetters = worker.metrics().recordsDeadLettered.getCount();
    double secs = (end - start) / 1e9;
    s.imagesPerSecond = secs > 0 ? seen.size() / secs : 0;
    s.p50 = percentile(latencies, 0.50);
    s.p95 = percentile(latencies, 0.95);
    s.p99 = percentile(latencies, 0.99);
    s.seconds = secs;
    return s;
  }

  static long percentile(List<Long> sorted, double q) {
    if (sorted.isEmpty()) {
      return 0;
    }
    int i = (int) Math.ceil(q * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
  }

  private static final class Summary {
    String model;
    String data;
    int images;
    int predictions;
    double accuracy;
    long deadLetters;
    double imagesPerSecond;
    long p50;
    long p95;
    long p99;
    double seconds;

    Map<String, Object> toMap() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("model", model);
      m.put("data", data);
      m.put("images", images);
      m.put("predictions", predictions);
      m.put("accuracy", accuracy);
      m.put("deadLetters", deadLetters);
      m.put("imagesPerSecond", imagesPerSecond);
      Map<String, Object> latency = new LinkedHashMap<>();
      latency.put("p50", p50);
      latency.put("p95", p95);
      latency.put("p99", p99);
      m.put("latencyMs", latency);
      m.put("seconds", seconds);
      return m;
    }
  }

  /** Everything the demo started, stopped in reverse order exactly once. */
  private static final class Resources {
    final Path work;
    EmbeddedBroker broker;
    Worker worker;
    private boolean closed;

    Resources(Path work) {
      this.work = work;
    }

    synchronized void close() {
      if (closed) {
        return;
      }
      closed = true;
      if (worker != null) {
        worker.stop();
        try {
          worker.awaitTermination();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      if (broker != null) {
        broker.close();
      }
      try {
        BenchCommand.deleteTree(work);
      } catch (IOException e) {
        System.err.println("Could not delete " + work + ": " + e.getMessage());
      }
    }
  }

  /**
   * The demo worker's settings. Its metrics and health endpoint binds 127.0.0.1 only: the demo is
   * for one machine, and its worker's endpoints are nobody else's business.
   */
  static Map<String, String> workerFlags(String bootstrap, Path model) {
    Map<String, String> flags = new LinkedHashMap<>();
    flags.put("bootstrap-servers", bootstrap);
    flags.put("model", model.toString());
    flags.put("group", "inception-stream-demo");
    flags.put("worker.id", "demo-worker");
    flags.put("metrics.bind", METRICS_BIND);
    flags.put("metrics.port", "0");
    flags.put("metrics.jmx", "false");
    flags.put("shutdown.timeout", "10s");
    return flags;
  }
}
