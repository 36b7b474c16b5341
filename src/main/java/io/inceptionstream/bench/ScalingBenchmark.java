package io.inceptionstream.bench;

import io.inceptionstream.avro.ImageRecord;
import io.inceptionstream.avro.Prediction;
import io.inceptionstream.avro.WireFormat;
import io.inceptionstream.broker.BrokerProcess;
import io.inceptionstream.broker.Topics;
import io.inceptionstream.train.ShapeGenerator;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * How throughput scales with worker processes: 1, 2, 3… real workers (child JVMs running {@code
 * inception-stream worker}) in one group drain the same backlog from one input topic, and a final
 * run SIGKILLs one of them mid-stream and restarts it with the same {@code worker.id}, checking
 * that every input has a prediction.
 *
 * <p>So that every run times only the drain, the backlog is written in one Kafka transaction that
 * stays open while the workers start, load the model and join the group (they read with {@code
 * read_committed}, the worker's default, so they see none of it); the clock starts when the
 * transaction commits, which makes the whole backlog visible at once, and stops when the last
 * input's prediction is readable. Each run has its own topics and group. Runs on the calling
 * thread; the workers and a broker it starts itself are child processes it stops.
 */
public final class ScalingBenchmark {

  /** The worker's main class, by name: bench sits below cli in the layers. */
  static final String WORKER_MAIN = "io.inceptionstream.cli.Main";

  private static final Pattern METRICS_PORT =
      Pattern.compile("Metrics and health on http://[^:/]+:(\\d+)/metrics");

  /** Distinct images published; ids stay unique, pixels repeat (speed does not depend on them). */
  private static final int DISTINCT_IMAGES = 64;

  /**
   * Settings.
   *
   * @param engine {@code inference.engine} of the workers: mxnet, pytorch or stand-in
   * @param model model directory the workers serve
   * @param images backlog per run
   * @param partitions input topic partitions
   * @param workers worker counts to measure, one run each
   * @param killRun whether to end with the SIGKILL run (with the largest worker count)
   * @param threads {@code inference.threads} of each worker (0 = one per core)
   * @param extra further worker settings for every worker, as {@code --set KEY=VALUE}
   * @param bootstrapServers an existing broker, or null for a child-process broker
   * @param timeout longest one run may take from the commit of its backlog
   */
  public record Settings(
      String engine,
      Path model,
      int images,
      int partitions,
      List<Integer> workers,
      boolean killRun,
      int threads,
      Map<String, String> extra,
      String bootstrapServers,
      Duration timeout) {
    public Settings {
      workers = List.copyOf(workers);
      extra = Map.copyOf(extra);
    }
  }

  /**
   * One run.
   *
   * @param workers worker processes in the group
   * @param images inputs in the backlog
   * @param drainSeconds from the backlog's commit to the last input's prediction being readable
   * @param recordsPerSecond images / drainSeconds
   * @param predicted inputs with at least one prediction
   * @param lost inputs without one (must be 0)
   * @param duplicates predictions beyond the first for an input (at least once may repeat)
   * @param predictionsPerWorker predictions by {@code workerId}, duplicates included
   * @param killed the SIGKILL in this run, or null
   */
  public record Run(
      int workers,
      int images,
      double drainSeconds,
      double recordsPerSecond,
      int predicted,
      int lost,
      int duplicates,
      Map<String, Integer> predictionsPerWorker,
      Kill killed) {}

  /**
   * The SIGKILL of a run.
   *
   * @param workerId the killed worker, restarted with the same id
   * @param afterSeconds when it was killed, from the backlog's commit
   * @param predictedBefore inputs predicted when it was killed
   * @param recoverySeconds from the SIGKILL to the first prediction of the restarted worker, or
   *     null if the others finished the backlog first
   */
  public record Kill(
      String workerId, double afterSeconds, int predictedBefore, Double recoverySeconds) {}

  private final Settings settings;
  private final Consumer<String> log;
  private final List<Child> children = new ArrayList<>();

  public ScalingBenchmark(Settings settings, Consumer<String> log) {
    this.settings = settings;
    this.log = log;
  }

  /**
   * Runs every worker count, then the SIGKILL run if asked; returns a JSON-ready document.
   *
   * @param workDir scratch directory: broker data and the worker logs ({@code logs/})
   */
  public Map<String, Object> run(Path workDir) throws Exception {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("engine", settings.engine());
    doc.put("images", settings.images());
    doc.put("partitions", settings.partitions());
    doc.put("cores", Runtime.getRuntime().availableProcessors());
    doc.put("loadAverageAtStart", loadAverage());
    List<Run> runs = new ArrayList<>();
    Thread reaper = new Thread(this::killChildren, "scaling-bench-reaper");
    Runtime.getRuntime().addShutdownHook(reaper);
    try {
      if (settings.bootstrapServers() != null) {
        runAll(
            settings.bootstrapServers(),
            "scaling-" + System.currentTimeMillis() + ".",
            workDir,
            runs);
      } else {
        try (BrokerProcess broker = BrokerProcess.start(workDir.resolve("kafka"), 0)) {
          runAll(broker.bootstrapServers(), "", workDir, runs);
        }
      }
    } finally {
      killChildren();
      try {
        Runtime.getRuntime().removeShutdownHook(reaper);
      } catch (IllegalStateException e) {
        // already shutting down: the hook runs anyway
      }
    }
    doc.put("loadAverageAtEnd", loadAverage());
    doc.put("runs", runs);
    return doc;
  }

  private void runAll(String bootstrap, String prefix, Path workDir, List<Run> runs)
      throws Exception {
    for (int n : settings.workers()) {
      Run r = runOnce(bootstrap, prefix, workDir, n, false);
      runs.add(r);
      log.accept(describe(r));
    }
    if (settings.killRun()) {
      int n = settings.workers().stream().mapToInt(Integer::intValue).max().orElse(1);
      Run r = runOnce(bootstrap, prefix, workDir, n, true);
      runs.add(r);
      log.accept(describe(r));
    }
  }

  /** One run with {@code n} workers; with {@code kill}, one of them is SIGKILLed and restarted. */
  public Run runOnce(String bootstrap, String prefix, Path workDir, int n, boolean kill)
      throws Exception {
    String name = prefix + "scaling." + settings.engine() + "." + n + "w" + (kill ? ".kill" : "");
    String input = name + ".images";
    String predictions = name + ".predictions";
    Topics.create(
        bootstrap,
        List.of(input, predictions, name + ".embeddings", name + ".dlq"),
        settings.partitions(),
        (short) 1,
        Duration.ofSeconds(60));
    log.accept(
        "run "
            + name
            + ": publishing "
            + settings.images()
            + " images (held in an open transaction), starting "
            + n
            + " worker(s)...");
    try (KafkaProducer<byte[], byte[]> backlog = openBacklog(bootstrap, name)) {
      send(backlog, input, prefix + name);
      List<Child> group = new ArrayList<>();
      try (Reader reader = new Reader(bootstrap, predictions)) {
        for (int i = 0; i < n; i++) {
          group.add(start(workDir, flags(bootstrap, name, name + "-" + i, input)));
        }
        for (Child c : group) {
          c.awaitReady(Duration.ofMinutes(5));
        }
        awaitStableGroup(bootstrap, name, n, Duration.ofMinutes(2));
        long t0 = System.nanoTime();
        long t0Epoch = System.currentTimeMillis();
        backlog.commitTransaction();
        Kill killed = null;
        Child victim = null;
        long killEpoch = 0;
        long deadline = t0 + settings.timeout().toNanos();
        int target = settings.images();
        while (reader.distinct() < target) {
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException(
                name
                    + ": "
                    + reader.distinct()
                    + " of "
                    + target
                    + " inputs predicted within "
                    + settings.timeout()
                    + "; worker logs in "
                    + workDir.resolve("logs")
                    + "\n"
                    + group.get(0).tail());
          }
          for (Child c : group) {
            if (c != victim && !c.process.isAlive()) {
              throw new IllegalStateException(
                  name
                      + ": worker "
                      + c.workerId
                      + " exited with "
                      + c.process.exitValue()
                      + ":\n"
                      + c.tail());
            }
          }
          reader.poll();
          if (kill && victim == null && reader.distinct() >= target / 3) {
            victim = group.get(group.size() - 1);
            int before = reader.distinct();
            double after = (System.nanoTime() - t0) / 1e9;
            victim.process.destroyForcibly();
            victim.process.waitFor(30, TimeUnit.SECONDS);
            killEpoch = System.currentTimeMillis();
            log.accept(
                String.format(
                    "SIGKILL %s after %.2f s with %d of %d predicted; restarting it",
                    victim.workerId, after, before, target));
            Child restarted = start(workDir, victim.flags);
            group.set(group.size() - 1, restarted);
            killed = new Kill(victim.workerId, after, before, null);
          }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        // The last few duplicates may still be on their way; they do not change the drain time.
        reader.settle(Duration.ofSeconds(1));
        if (killed != null) {
          Long first = reader.firstPublishedBy(killed.workerId(), killEpoch);
          killed =
              new Kill(
                  killed.workerId(),
                  killed.afterSeconds(),
                  killed.predictedBefore(),
                  first == null ? null : (first - killEpoch) / 1e3);
        }
        log.accept(String.format("%s: drained in %.2f s (commit at %d)", name, seconds, t0Epoch));
        return new Run(
            n,
            target,
            seconds,
            target / seconds,
            reader.distinct(),
            target - reader.distinct(),
            reader.total() - reader.distinct(),
            reader.perWorker(),
            killed);
      } finally {
        for (Child c : group) {
          c.stop();
        }
      }
    }
  }

  private Map<String, String> flags(String bootstrap, String name, String workerId, String input) {
    Map<String, String> f = new LinkedHashMap<>();
    f.put("bootstrap-servers", bootstrap);
    f.put("model", settings.model().toAbsolutePath().toString());
    f.put("group", name);
    f.put("worker.id", workerId);
    f.put("topics.input", input);
    f.put("topics.predictions", name + ".predictions");
    f.put("topics.embeddings", name + ".embeddings");
    f.put("topics.dead-letter", name + ".dlq");
    f.put("inference.engine", settings.engine());
    f.put("inference.threads", Integer.toString(settings.threads()));
    f.put("metrics.bind", "127.0.0.1");
    f.put("metrics.port", "0");
    f.put("metrics.jmx", "false");
    f.putAll(settings.extra());
    return f;
  }

  private static KafkaProducer<byte[], byte[]> openBacklog(String bootstrap, String name) {
    Map<String, Object> p = new HashMap<>();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "backlog-" + name);
    // Long enough for slow workers to load the model; the broker allows up to 15 minutes.
    p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, Integer.toString(10 * 60 * 1000));
    p.put(ProducerConfig.LINGER_MS_CONFIG, "20");
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(256 * 1024));
    KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    try {
      producer.initTransactions();
      producer.beginTransaction();
    } catch (RuntimeException e) {
      producer.close(Duration.ZERO);
      throw e;
    }
    return producer;
  }

  private void send(KafkaProducer<byte[], byte[]> producer, String topic, String idPrefix) {
    List<ShapeGenerator.Sample> samples = new ArrayList<>();
    for (int i = 0; i < Math.min(DISTINCT_IMAGES, settings.images()); i++) {
      samples.add(ShapeGenerator.sample(77, i));
    }
    Instant now = Instant.now();
    for (int i = 0; i < settings.images(); i++) {
      ShapeGenerator.Sample s = samples.get(i % samples.size());
      String id = idPrefix + "-" + i;
      byte[] value =
          WireFormat.encode(
              ImageRecord.newBuilder()
                  .setId(id)
                  .setImage(ByteBuffer.wrap(s.png()))
                  .setAttributes(Map.of("label", s.className()))
                  .setTimestamp(now)
                  .build());
      producer.send(new ProducerRecord<>(topic, id.getBytes(StandardCharsets.UTF_8), value));
    }
    producer.flush();
  }

  /** Waits until the group is stable with {@code n} members that hold every input partition. */
  private void awaitStableGroup(String bootstrap, String group, int n, Duration timeout)
      throws Exception {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      long deadline = System.nanoTime() + timeout.toNanos();
      String last = "";
      while (System.nanoTime() < deadline) {
        ConsumerGroupDescription d;
        try {
          d = admin.describeConsumerGroups(List.of(group)).all().get().get(group);
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof GroupIdNotFoundException)) {
            throw e;
          }
          last = "no group yet";
          Thread.sleep(200);
          continue;
        }
        int assigned = 0;
        for (MemberDescription m : d.members()) {
          assigned += m.assignment().topicPartitions().size();
        }
        last = d.groupState() + ", " + d.members().size() + " members, " + assigned + " partitions";
        if (d.groupState() == GroupState.STABLE
            && d.members().size() == n
            && assigned == settings.partitions()) {
          return;
        }
        Thread.sleep(200);
      }
      throw new IllegalStateException(
          "Group " + group + " not stable with " + n + " members within " + timeout + ": " + last);
    }
  }

  private Child start(Path workDir, Map<String, String> flags) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // The launcher's JVM settings for a model-bound process (bin/inception-stream).
    cmd.addAll(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx768m"));
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(WORKER_MAIN);
    cmd.add("worker");
    flags.forEach(
        (k, v) -> {
          cmd.add("--set");
          cmd.add(k + "=" + v);
        });
    Path logs = Files.createDirectories(workDir.resolve("logs"));
    Path logFile = logs.resolve(flags.get("worker.id") + "-" + System.nanoTime() + ".log");
    ProcessBuilder pb =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(logFile.toFile());
    // Only the flags configure the workers: the launcher's own variables (INCEPTION_STREAM_JAR)
    // would be refused as unknown keys, and an exported key would make runs differ.
    pb.environment().keySet().removeIf(k -> k.startsWith("INCEPTION_STREAM_"));
    int cores = Runtime.getRuntime().availableProcessors();
    pb.environment().putIfAbsent("MXNET_ENGINE_TYPE", "NaiveEngine");
    pb.environment()
        .putIfAbsent(
            "OMP_NUM_THREADS",
            Integer.toString(settings.threads() > 0 ? settings.threads() : cores));
    Child c = new Child(flags.get("worker.id"), flags, pb.start(), logFile);
    c.process.getOutputStream().close();
    synchronized (children) {
      children.add(c);
    }
    return c;
  }

  private void killChildren() {
    synchronized (children) {
      for (Child c : children) {
        if (c.process.isAlive()) {
          c.process.destroyForcibly();
        }
      }
    }
  }

  private static double loadAverage() {
    return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
  }

  static String describe(Run r) {
    String s =
        String.format(
            "%d worker(s): %d images in %.2f s = %.1f records/s, predicted %d, lost %d, duplicates %d, per worker %s",
            r.workers(),
            r.images(),
            r.drainSeconds(),
            r.recordsPerSecond(),
            r.predicted(),
            r.lost(),
            r.duplicates(),
            r.predictionsPerWorker());
    if (r.killed() != null) {
      s +=
          String.format(
              "; SIGKILL %s at %.2f s, recovery %s",
              r.killed().workerId(),
              r.killed().afterSeconds(),
              r.killed().recoverySeconds() == null
                  ? "none (the others finished first)"
                  : String.format("%.2f s", r.killed().recoverySeconds()));
    }
    return s;
  }

  /** A worker child process. Used from the benchmark's thread (and its shutdown hook). */
  private static final class Child {
    final String workerId;
    final Map<String, String> flags;
    final Process process;
    final Path log;

    Child(String workerId, Map<String, String> flags, Process process, Path log) {
      this.workerId = workerId;
      this.flags = flags;
      this.process = process;
      this.log = log;
    }

    /** Waits for the metrics port in the log, then for /health/ready to answer 200. */
    void awaitReady(Duration timeout) throws Exception {
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
      long deadline = System.nanoTime() + timeout.toNanos();
      int port = -1;
      while (System.nanoTime() < deadline) {
        if (!process.isAlive()) {
          throw new IllegalStateException(
              "Worker " + workerId + " exited with " + process.exitValue() + ":\n" + tail());
        }
        if (port < 0) {
          Matcher m = METRICS_PORT.matcher(Files.readString(log, StandardCharsets.UTF_8));
          if (m.find()) {
            port = Integer.parseInt(m.group(1));
          }
        } else {
          try {
            HttpResponse<Void> r =
                http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready"))
                        .timeout(Duration.ofSeconds(2))
                        .build(),
                    HttpResponse.BodyHandlers.discarding());
            if (r.statusCode() == 200) {
              return;
            }
          } catch (IOException e) {
            // not answering yet
          }
        }
        Thread.sleep(200);
      }
      throw new IllegalStateException(
          "Worker " + workerId + " not ready within " + timeout + ":\n" + tail());
    }

    /** SIGTERM, the worker's graceful drain; SIGKILL if it has not exited within a minute. */
    void stop() throws InterruptedException {
      if (!process.isAlive()) {
        return;
      }
      process.destroy();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
      }
    }

    String tail() {
      try {
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
      } catch (IOException e) {
        return "(cannot read " + log + ": " + e + ")";
      }
    }
  }

  /**
   * Reads a predictions topic from the start of every partition, without a group, counting
   * predictions per input id. Used from the benchmark's thread.
   */
  private static final class Reader implements AutoCloseable {
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Map<String, Integer> perId = new HashMap<>();
    private final Map<String, Integer> perWorker = new LinkedHashMap<>();
    private final Map<String, List<Long>> publishedByWorker = new HashMap<>();
    private int total;

    Reader(String bootstrap, String topic) throws ExecutionException, InterruptedException {
      Map<String, Object> c = new HashMap<>();
      c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
      c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
      c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
      consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
      List<TopicPartition> parts = new ArrayList<>();
      for (PartitionInfo p : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
        parts.add(new TopicPartition(topic, p.partition()));
      }
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
    }

    void poll() throws IOException {
      for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
        Prediction p = WireFormat.decodePrediction(r.value());
        perId.merge(p.getId(), 1, Integer::sum);
        perWorker.merge(p.getWorkerId(), 1, Integer::sum);
        publishedByWorker
            .computeIfAbsent(p.getWorkerId(), k -> new ArrayList<>())
            .add(p.getTimings().getPublished().toEpochMilli());
        total++;
      }
    }

    /** Keeps reading for {@code d}: late duplicates. */
    void settle(Duration d) throws IOException {
      long end = System.nanoTime() + d.toNanos();
      while (System.nanoTime() < end) {
        poll();
      }
    }

    int distinct() {
      return perId.size();
    }

    int total() {
      return total;
    }

    Map<String, Integer> perWorker() {
      return new LinkedHashMap<>(perWorker);
    }

    /** The earliest publish time by {@code workerId} at or after {@code sinceEpochMs}, or null. */
    Long firstPublishedBy(String workerId, long sinceEpochMs) {
      return publishedByWorker.getOrDefault(workerId, List.of()).stream()
          .filter(t -> t >= sinceEpochMs)
          .min(Long::compare)
          .orElse(null);
    }

    @Override
    public void close() {
      consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
    }
  }
}
