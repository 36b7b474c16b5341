package io.inceptionstream.bench;

import io.inceptionstream.avro.ImageRecord;
import io.inceptionstream.avro.Prediction;
import io.inceptionstream.avro.WireFormat;
import io.inceptionstream.broker.EmbeddedBroker;
import io.inceptionstream.broker.Topics;
import io.inceptionstream.client.ImagePublisher;
import io.inceptionstream.config.WorkerConfig;
import io.inceptionstream.metrics.WorkerMetrics;
import io.inceptionstream.model.ModelDirectory;
import io.inceptionstream.pipeline.Worker;
import io.inceptionstream.train.ShapeGenerator;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * End-to-end latency against offered load, through a real broker into a real worker: first the
 * ceiling (images/s of a worker draining a backlog with the first batching mode), then for each
 * mode a sweep from 10 % to 100 % of that ceiling. Each step sends open loop — every record at its
 * scheduled time, stamped with that time, whether or not earlier ones were answered — and a
 * consumer of the predictions topic measures each record from its stamp to the moment its
 * prediction could be read (written and acknowledged). Runs on the calling thread plus one sender
 * thread per step; starts and stops its own broker and workers.
 */
public final class LatencyBenchmark {

  /** Distinct images sent round-robin; enough that decoding is not a cache hit. */
  private static final int DISTINCT_IMAGES = 64;

  /** Least time to wait for a step's last predictions after its last send. */
  private static final Duration MIN_DRAIN = Duration.ofSeconds(10);

  /**
   * Settings.
   *
   * @param modes batch.max-size values to compare ({@code auto}, {@code 1}, {@code 32}); the first
   *     one measures the ceiling
   * @param steps load steps from {@code minLoad} to 100 % of the ceiling, at least 2
   * @param stepDuration how long each step sends
   * @param ceilingImages backlog the ceiling is measured on
   * @param maxDelay the worker's batch.max-delay
   * @param engine inference.engine (mxnet, or stand-in for the pipeline alone)
   * @param partitions input topic partitions
   * @param threads native compute threads (0 = one per core)
   * @param bootstrapServers an existing broker, or null for an embedded one
   */
  public record Settings(
      List<String> modes,
      int steps,
      Duration stepDuration,
      int ceilingImages,
      Duration maxDelay,
      String engine,
      int partitions,
      int threads,
      String bootstrapServers) {

    /** The first step's load, as a fraction of the ceiling. */
    public static final double MIN_LOAD = 0.1;

    public Settings {
      modes = List.copyOf(modes);
      if (modes.isEmpty()) {
        throw new IllegalArgumentException("At least one batching mode");
      }
      if (steps < 2) {
        throw new IllegalArgumentException("At least 2 steps, got " + steps);
      }
    }

    /** The offered load of step {@code i} (0-based) as a fraction of the ceiling. */
    public double load(int i) {
      return MIN_LOAD + (1 - MIN_LOAD) * i / (steps - 1);
    }
  }

  /**
   * One step of a sweep.
   *
   * @param load offered load as a fraction of the ceiling
   * @param offeredPerSecond the rate records were scheduled at
   * @param achievedPerSecond predictions read per second, from the step's start to its last one
   * @param sent records sent
   * @param answered predictions read for them
   * @param p50Ms end-to-end latency percentiles of the answered records, ms
   * @param p95Ms 95th percentile
   * @param p99Ms 99th percentile
   * @param maxMs the slowest
   * @param batchInferenceMs median forward pass of the worker over the last minute, ms
   * @param meanBatchSize mean images per forward pass over the last minute
   */
  public record Point(
      double load,
      double offeredPerSecond,
      double achievedPerSecond,
      int sent,
      int answered,
      double p50Ms,
      double p95Ms,
      double p99Ms,
      double maxMs,
      double batchInferenceMs,
      double meanBatchSize) {}

  /**
   * The latency goal at half load: p99 at most batch.max-delay plus two forward passes.
   *
   * @param load the load of the step checked (the one nearest 50 %)
   * @param p99Ms its p99
   * @param maxDelayMs batch.max-delay
   * @param batchInferenceMs one forward pass at that step
   * @param limitMs maxDelayMs + 2 x batchInferenceMs
   * @param met whether p99Ms is at most limitMs
   */
  public record Goal(
      double load,
      double p99Ms,
      double maxDelayMs,
      double batchInferenceMs,
      double limitMs,
      boolean met) {}

  /**
   * One batching mode's sweep.
   *
   * @param mode the batch.max-size value
   * @param chosenBatchSize the batch size the worker used (auto's choice)
   * @param points one per step
   * @param goal the goal at half load
   */
  public record Sweep(String mode, int chosenBatchSize, List<Point> points, Goal goal) {}

  /**
   * Everything measured.
   *
   * @param ceilingPerSecond images/s of the first mode's worker draining a backlog
   * @param sweeps one per mode, in the order given
   */
  public record Result(double ceilingPerSecond, List<Sweep> sweeps) {}

  private final Settings settings;
  private final ModelDirectory model;
  private final Consumer<String> log;
  private final List<byte[]> images = new ArrayList<>();
  private String prefix = "";

  public LatencyBenchmark(Settings settings, ModelDirectory model, Consumer<String> log) {
    this.settings = settings;
    this.model = model;
    this.log = log;
    for (int i = 0; i < DISTINCT_IMAGES; i++) {
      images.add(ShapeGenerator.sample(91, i).png());
    }
  }

  /** Runs the ceiling and every sweep. */
  public Result run(Path workDir) throws Exception {
    if (settings.bootstrapServers() != null) {
      return run(settings.bootstrapServers(), "latency-" + System.currentTimeMillis() + "-");
    }
    try (EmbeddedBroker broker = EmbeddedBroker.start(0, workDir.resolve("kafka"))) {
      return run(broker.bootstrapServers(), "");
    }
  }

  private Result run(String bootstrap, String namePrefix) throws Exception {
    this.prefix = namePrefix;
    List<String> topics = new ArrayList<>();
    for (String mode : settings.modes()) {
      for (String kind : List.of("images", "predictions", "embeddings", "dlq")) {
        topics.add(topic(mode, kind));
      }
    }
    Topics.create(bootstrap, topics, settings.partitions(), (short) 1, Duration.ofSeconds(30));
    double ceiling = 0;
    List<Sweep> sweeps = new ArrayList<>();
    for (String mode : settings.modes()) {
      boolean first = sweeps.isEmpty();
      if (first) {
        log.accept("Publishing a backlog of " + settings.ceilingImages() + " images...");
        publishBacklog(bootstrap, topic(mode, "images"), settings.ceilingImages());
      }
      Worker w = new Worker(WorkerConfig.load(null, Map.of(), flags(bootstrap, mode)), model);
      w.start();
      try {
        int chosen = chosenBatchSize(w);
        if (first) {
          ceiling = drain(w, settings.ceilingImages());
          log.accept(
              String.format(
                  "Ceiling: %.1f images/s (batch.max-size=%s, batch %d)", ceiling, mode, chosen));
        }
        sweeps.add(sweep(bootstrap, mode, chosen, w, ceiling));
      } finally {
        w.stop();
        w.awaitTermination();
      }
    }
    return new Result(ceiling, sweeps);
  }

  private Map<String, String> flags(String bootstrap, String mode) {
    Map<String, String> flags = new LinkedHashMap<>();
    flags.put("bootstrap-servers", bootstrap);
    flags.put("model", model.path().toString());
    flags.put("group", prefix + "latency-" + mode);
    flags.put("worker.id", "latency-" + mode);
    flags.put("topics.input", topic(mode, "images"));
    flags.put("topics.predictions", topic(mode, "predictions"));
    flags.put("topics.embeddings", topic(mode, "embeddings"));
    flags.put("topics.dead-letter", topic(mode, "dlq"));
    flags.put("batch.max-size", mode);
    flags.put("batch.max-delay", settings.maxDelay().toMillis() + "ms");
    flags.put("inference.engine", settings.engine());
    flags.put("inference.threads", Integer.toString(settings.threads()));
    flags.put("metrics.enabled", "false");
    flags.put("metrics.jmx", "false");
    return flags;
  }

  private static int chosenBatchSize(Worker w) {
    var gauge = w.metrics().registry().getGauges().get(WorkerMetrics.BATCH_SIZE_CHOSEN);
    return gauge == null ? -1 : ((Number) gauge.getValue()).intValue();
  }

  /** Images per second of the worker draining the backlog: first record in to last out. */
  private static double drain(Worker w, int count) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(30).toNanos();
    long first = 0;
    while (w.metrics().recordsPredicted.getCount() < count) {
      if (first == 0 && w.metrics().recordsIn.getCount() > 0) {
        first = System.nanoTime();
      }
      if (System.nanoTime() > deadline || w.failure() != null) {
        throw new IllegalStateException(
            "Worker predicted "
                + w.metrics().recordsPredicted.getCount()
                + " of "
                + count
                + (w.failure() == null ? "" : ": " + w.failure()));
      }
      Thread.sleep(2);
    }
    return count / ((System.nanoTime() - first) / 1e9);
  }

  private Sweep sweep(String bootstrap, String mode, int chosen, Worker w, double ceiling)
      throws Exception {
    List<Point> points = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> predictions = tail(bootstrap, topic(mode, "predictions"));
        ImagePublisher publisher = publisher(bootstrap, topic(mode, "images"))) {
      for (int i = 0; i < settings.steps(); i++) {
        Point p = step(mode, i, ceiling * settings.load(i), publisher, predictions, w);
        points.add(p);
        log.accept(
            String.format(
                "%s: %3.0f %% offered %.1f/s achieved %.1f/s p50 %.0f p95 %.0f p99 %.0f ms"
                    + " (%d/%d answered, batch %.1f images in %.0f ms)",
                mode,
                p.load() * 100,
                p.offeredPerSecond(),
                p.achievedPerSecond(),
                p.p50Ms(),
                p.p95Ms(),
                p.p99Ms(),
                p.answered(),
                p.sent(),
                p.meanBatchSize(),
                p.batchInferenceMs()));
        if (w.failure() != null) {
          throw new IllegalStateException("Worker failed: " + w.failure(), w.failure());
        }
      }
    }
    return new Sweep(mode, chosen, points, goal(points, settings.maxDelay()));
  }

  /** The goal, checked at the step nearest half load. */
  static Goal goal(List<Point> points, Duration maxDelay) {
    Point half = points.get(0);
    for (Point p : points) {
      if (Math.abs(p.load() - 0.5) < Math.abs(half.load() - 0.5)) {
        half = p;
      }
    }
    double delay = maxDelay.toNanos() / 1e6;
    double limit = delay + 2 * half.batchInferenceMs();
    return new Goal(
        half.load(), half.p99Ms(), delay, half.batchInferenceMs(), limit, half.p99Ms() <= limit);
  }

  private Point step(
      String mode,
      int index,
      double rate,
      ImagePublisher publisher,
      KafkaConsumer<byte[], byte[]> predictions,
      Worker w)
      throws Exception {
    String ids = mode + "-s" + index + "-";
    long intervalNanos = (long) (1e9 / rate);
    long stepNanos = settings.stepDuration().toNanos();
    int total = (int) Math.max(1, stepNanos / intervalNanos);
    AtomicInteger sent = new AtomicInteger();
    long startNanos = System.nanoTime();
    long startMillis = System.currentTimeMillis();
    List<CompletableFuture<?>> acks = new ArrayList<>();
    Thread sender =
        new Thread(
            () -> {
              for (int k = 0; k < total; k++) {
                long due = startNanos + k * intervalNanos;
                long wait;
                while ((wait = due - System.nanoTime()) > 0) {
                  LockSupport.parkNanos(wait);
                }
                // Stamped with the scheduled time: a late send counts against the latency.
                acks.add(
                    publisher.publish(
                        ImageRecord.newBuilder()
                            .setId(ids + k)
                            .setImage(ByteBuffer.wrap(images.get(k % images.size())))
                            .setAttributes(Map.of())
                            .setTimestamp(
                                Instant.ofEpochMilli(startMillis + (due - startNanos) / 1_000_000))
                            .build()));
                sent.incrementAndGet();
              }
              publisher.flush();
            },
            "latency-sender");
    sender.start();
    double[] latencies = new double[total];
    int answered = 0;
    long last = startNanos;
    long drainUntil = Long.MAX_VALUE;
    while (answered < total && System.nanoTime() < drainUntil) {
      for (ConsumerRecord<byte[], byte[]> r : predictions.poll(Duration.ofMillis(20))) {
        long now = System.currentTimeMillis();
        Prediction p = WireFormat.decodePrediction(r.value());
        if (!p.getId().startsWith(ids)
            || p.getTimings().getCreated() == null
            || answered == total) {
          continue; // a late answer from an earlier step, or a redelivery
        }
        latencies[answered++] = now - p.getTimings().getCreated().toEpochMilli();
        last = System.nanoTime();
      }
      if (!sender.isAlive() && drainUntil == Long.MAX_VALUE) {
        drainUntil = System.nanoTime() + Math.max(MIN_DRAIN.toNanos(), stepNanos);
      }
      if (w.failure() != null) {
        break;
      }
    }
    sender.join();
    CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).join();
    double[] done = Arrays.copyOf(latencies, answered);
    Arrays.sort(done);
    var batch = w.metrics().inferenceBatch.getSnapshot();
    var sizes = w.metrics().batchSize.getSnapshot();
    double seconds = Math.max(stepNanos, last - startNanos) / 1e9;
    return new Point(
        settings.load(index),
        rate,
        answered / seconds,
        sent.get(),
        answered,
        percentile(done, 0.50),
        percentile(done, 0.95),
        percentile(done, 0.99),
        done.length == 0 ? Double.NaN : done[done.length - 1],
        batch.getMedian() / 1e6,
        sizes.getMean());
  }

  /** Nearest-rank percentile of sorted values; NaN when there are none. */
  static double percentile(double[] sorted, double q) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int rank = (int) Math.ceil(q * sorted.length);
    return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
  }

  /** A consumer of every partition of the topic from its current end, outside any group. */
  private static KafkaConsumer<byte[], byte[]> tail(String bootstrap, String topic) {
    Map<String, Object> c = new HashMap<>();
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    List<TopicPartition> parts = new ArrayList<>();
    for (PartitionInfo p : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
      parts.add(new TopicPartition(p.topic(), p.partition()));
    }
    consumer.assign(parts);
    consumer.seekToEnd(parts);
    for (TopicPartition tp : parts) {
      consumer.position(tp); // resolve the end now, before the first step sends
    }
    return consumer;
  }

  private void publishBacklog(String bootstrap, String topic, int n) {
    try (ImagePublisher p = publisher(bootstrap, topic)) {
      List<CompletableFuture<?>> sends = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        sends.add(p.publish("backlog-" + i, images.get(i % images.size()), Map.of()));
      }
      p.flush();
      CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).join();
    }
  }

  private static ImagePublisher publisher(String bootstrap, String topic) {
    return ImagePublisher.builder()
        .bootstrapServers(bootstrap)
        .topic(topic)
        .timeout(Duration.ofMinutes(2))
        // One request in flight: a fresh topic's first sends can meet NOT_LEADER_OR_FOLLOWER, and
        // with several in flight the idempotent retries were seen to end in
        // OUT_OF_ORDER_SEQUENCE_NUMBER on a heavily loaded machine.
        .property("max.in.flight.requests.per.connection", 1)
        .build();
  }

  private String topic(String mode, String kind) {
    return prefix + "latency." + mode + "." + kind;
  }

  /** The document {@code --json} prints: the first mode's points at the top, every mode below. */
  public static Map<String, Object> toJson(Result r, Settings s, String plot) {
    Map<String, Object> doc = new LinkedHashMap<>();
    Sweep main = r.sweeps().get(0);
    doc.put("engine", s.engine());
    doc.put("cores", Runtime.getRuntime().availableProcessors());
    doc.put("maxDelayMs", s.maxDelay().toMillis());
    doc.put("stepSeconds", s.stepDuration().toMillis() / 1000.0);
    doc.put("ceilingMode", main.mode());
    doc.put("ceilingPerSecond", r.ceilingPerSecond());
    doc.put("chosenBatchSize", main.chosenBatchSize());
    doc.put("points", main.points());
    doc.put("goalMet", main.goal().met());
    doc.put("goal", main.goal());
    doc.put("modes", r.sweeps());
    if (plot != null) {
      doc.put("plot", plot);
    }
    return doc;
  }

  /** Writes the plot of every sweep as a PNG; returns its path. */
  public static Path plot(Result r, Settings s, Path dir, String note) throws IOException {
    Files.createDirectories(dir);
    Path png = dir.resolve("latency.png");
    LatencyPlot.write(r, s, png, note);
    return png;
  }
}
