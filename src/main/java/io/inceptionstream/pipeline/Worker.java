package io.inceptionstream.pipeline;

import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.health.HealthCheck;
import com.codahale.metrics.health.HealthCheckRegistry;
import com.codahale.metrics.jmx.JmxReporter;
import io.inceptionstream.batching.BatchAccumulator;
import io.inceptionstream.batching.BatchQueue;
import io.inceptionstream.batching.Item;
import io.inceptionstream.batching.MicroBatcher;
import io.inceptionstream.broker.Topics;
import io.inceptionstream.config.Delivery;
import io.inceptionstream.config.WorkerConfig;
import io.inceptionstream.image.ImageDecoder;
import io.inceptionstream.image.ImageLimits;
import io.inceptionstream.inference.Devices;
import io.inceptionstream.inference.EngineSetup;
import io.inceptionstream.inference.RunnerOptions;
import io.inceptionstream.ingest.PollLoop;
import io.inceptionstream.lifecycle.Clock;
import io.inceptionstream.lifecycle.Failure;
import io.inceptionstream.lifecycle.InputRecord;
import io.inceptionstream.metrics.Checks;
import io.inceptionstream.metrics.MetricsServer;
import io.inceptionstream.metrics.WorkerMetrics;
import io.inceptionstream.model.ModelDirectory;
import io.inceptionstream.model.Tap;
import io.inceptionstream.publish.BatchOutcome;
import io.inceptionstream.publish.ModelIdentity;
import io.inceptionstream.publish.OutputRecords;
import io.inceptionstream.publish.Publisher;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires one worker: poll thread → decode pool → batcher → one inference thread per device →
 * publisher → offset commit, plus metrics and health. {@link #start()} loads and warms the model
 * before the consumer joins the group; {@link #stop()} begins a graceful stop (no new records,
 * in-flight finished within the shutdown timeout, then commit); {@link #awaitTermination()} tears
 * everything down in order and returns the exit code. Thread-safe for those three calls.
 */
public final class Worker implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Worker.class);

  private final WorkerConfig config;
  private final ModelDirectory model;
  private final Failure failure = new Failure();
  private final WorkerMetrics metrics = new WorkerMetrics(new MetricRegistry());
  private final HealthCheckRegistry liveness = new HealthCheckRegistry();
  private final HealthCheckRegistry readiness = new HealthCheckRegistry();
  private final List<InferenceStage> stages = new CopyOnWriteArrayList<>();
  private final List<Thread> inferenceThreads = new ArrayList<>();
  private volatile ExecutorService decodePool;
  private volatile ScheduledExecutorService decodeTimer;
  private volatile ScheduledExecutorService watchdogTimer;
  private volatile MicroBatcher batcher;
  private volatile Thread batcherThread;
  private volatile Publisher publisher;
  private volatile Thread publisherThread;
  private volatile PollLoop poll;
  private volatile Thread pollThread;
  private volatile MetricsServer server;
  private volatile JmxReporter jmx;
  private volatile boolean stopping;
  private volatile boolean stopRequested;
  private boolean closed;

  public Worker(WorkerConfig config, ModelDirectory model) {
    this.config = config;
    this.model = model;
  }

  /** The worker's metrics. */
  public WorkerMetrics metrics() {
    return metrics;
  }

  /** The bound metrics port, or -1 when the endpoint is disabled or not started. */
  public int metricsPort() {
    return server == null ? -1 : server.port();
  }

  /** The fatal error that stopped the worker, or null. */
  public Throwable failure() {
    return failure.cause();
  }

  /** Whether the model is warm, partitions are assigned and nothing failed. */
  public boolean ready() {
    return readiness.runHealthChecks().values().stream().allMatch(r -> r.isHealthy());
  }

  /**
   * Starts every thread; returns once the model is warm and the consumer has subscribed.
   *
   * @throws IOException if the metrics endpoint cannot bind
   * @throws IllegalStateException if the model fails to load or warm up
   */
  public void start() throws IOException, InterruptedException {
    try {
      startStages();
    } catch (Throwable e) {
      // Leave nothing behind: no consumer, no threads, no open port. This is a failed start, not
      // a requested stop: stopRequested() stays as it was, so the caller exits non-zero.
      beginStop();
      close();
      throw e;
    }
  }

  private void startStages() throws IOException, InterruptedException {
    EngineSetup.apply(config.threads());
    // A fatal error makes the worker both dead and not ready: one check, registered in both.
    HealthCheck noFatalError =
        Checks.noError(() -> failure.failed() ? Failure.describe(failure.cause()) : null);
    liveness.register("worker", noFatalError);
    readiness.register("worker", noFatalError);
    // Registered before the endpoint serves, so /health/ready is red until the model is warm and
    // partitions are assigned, never green for a worker that is still starting.
    readiness.register(
        "model",
        Checks.when(
            () -> !stages.isEmpty() && stages.stream().allMatch(InferenceStage::ready),
            "model loaded and warm",
            "model not loaded or not warm yet"));
    readiness.register(
        "partitions",
        Checks.when(
            () -> poll != null && poll.assigned(),
            "partitions assigned",
            "not yet assigned partitions by the group"));
    liveness.register("threads", Checks.noError(this::deadStage));
    if (config.metricsEnabled()) {
      server =
          new MetricsServer(
              config.metricsBind(), config.metricsPort(), metrics, liveness, readiness);
      LOG.info("Metrics and health on http://{}:{}/metrics", config.metricsBind(), server.port());
    }
    if (config.jmxEnabled()) {
      jmx = JmxReporter.forRegistry(metrics.registry()).inDomain("io.inceptionstream").build();
      jmx.start();
    }
    // Fail within connect.timeout, naming the address or the authentication problem, before the
    // model spends its warm-up: a wrong password or an unreachable cluster is a failed start.
    Topics.awaitReachable(config.bootstrapServers(), config.kafkaAdmin(), config.connectTimeout());
    if (config.createTopics()) {
      Topics.create(
          config.bootstrapServers(),
          config.kafkaAdmin(),
          List.of(
              config.inputTopic(),
              config.predictionsTopic(),
              config.embeddingsTopic(),
              config.deadLetterTopic()),
          config.topicPartitions(),
          config.topicReplicationFactor(),
          config.connectTimeout());
    }
    List<Tap> taps = Tap.parseList(String.join(",", config.embeddingTaps()));
    RunnerOptions options =
        new RunnerOptions(
                taps,
                config.normalizeEmbeddings(),
                config.engine(),
                config.compiled(),
                config.standInCost())
            .withPrecision(io.inceptionstream.inference.Precision.parse(config.precision()));
    List<String> devices = Devices.resolveNames(config.device(), options.engine());
    BatchQueue toDevices = new BatchQueue(devices.size());
    BlockingQueue<BatchOutcome> toPublisher = new ArrayBlockingQueue<>(2 * devices.size());
    for (String device : devices) {
      InferenceStage stage =
          new InferenceStage(
              model,
              options,
              device,
              config.batchMaxSize(),
              config.maxInFlight(),
              toDevices,
              toPublisher,
              failure,
              metrics,
              this::owns);
      stages.add(stage);
      Thread t = new Thread(stage, "inference-" + device);
      inferenceThreads.add(t);
      t.start();
    }
    InferenceWatchdog watchdog =
        new InferenceWatchdog(stages, config.inferenceTimeout(), failure, Clock.SYSTEM);
    liveness.register("inference", Checks.noError(watchdog::check));
    watchdogTimer = Executors.newSingleThreadScheduledExecutor(named("watchdog"));
    watchdogTimer.scheduleWithFixedDelay(watchdog::check, 1, 1, TimeUnit.SECONDS);
    for (InferenceStage s : stages) {
      // Warm before joining the group, so a rebalance never hands partitions to a cold worker.
      if (!s.awaitWarm(10, TimeUnit.MINUTES)) {
        Throwable cause = failure.cause();
        throw new IllegalStateException(
            "Model failed to load or warm up: " + (cause == null ? "timeout" : cause.getMessage()),
            cause);
      }
    }
    // Each device chose for itself; the smallest choice suits them all without a long wait.
    int batchSize = stages.stream().mapToInt(InferenceStage::chosenBatchSize).min().orElseThrow();
    metrics.gauge(WorkerMetrics.BATCH_SIZE_CHOSEN, () -> batchSize);
    if (stopping) {
      LOG.info("Stop requested during start-up; not joining the group");
      return;
    }
    int threads =
        config.decodeThreads() > 0
            ? config.decodeThreads()
            : Runtime.getRuntime().availableProcessors();
    decodePool = Executors.newFixedThreadPool(threads, named("decode"));
    RecordDecoder decoder =
        new RecordDecoder(
            new ImageDecoder(
                new ImageLimits(
                    config.imageMaxBytes(),
                    config.imageMaxPixels(),
                    config.imageDecodePixelBudget())));
    LinkedBlockingQueue<CompletableFuture<Item>> decoded = new LinkedBlockingQueue<>();
    batcher =
        new MicroBatcher(
            decoded,
            new BatchAccumulator(batchSize, config.batchMaxDelay().toNanos()),
            toDevices,
            System::nanoTime,
            metrics,
            e -> failure.fail("batcher", e));
    batcherThread = new Thread(batcher, "batcher");
    batcherThread.start();

    boolean exactlyOnce = config.delivery() == Delivery.EXACTLY_ONCE;
    Map<String, Object> consumerProps = new HashMap<>(config.kafkaConsumer());
    consumerProps.put("bootstrap.servers", config.bootstrapServers());
    consumerProps.put("group.id", config.group());
    consumerProps.putIfAbsent("client.id", config.workerId() + "-consumer");
    // Static membership (KIP-345): a worker restarted under the same worker.id takes its
    // partitions back at once instead of after the dead member's session timeout.
    if (config.staticMembership()) {
      consumerProps.putIfAbsent("group.instance.id", config.workerId());
    }
    PollLoop.Settings settings =
        new PollLoop.Settings(
            config.inputTopic(),
            config.maxInFlight(),
            config.resumeBelow(),
            config.maxInFlightBytes(),
            config.commitInterval(),
            config.shutdownTimeout(),
            exactlyOnce);
    decodeTimer = Executors.newSingleThreadScheduledExecutor(named("decode-timer"));
    TimedDecoder timed =
        new TimedDecoder(decoder::decode, decodePool, decodeTimer, config.decodeTimeout());
    poll =
        PollLoop.withKafkaConsumer(
            settings,
            consumerProps,
            (InputRecord r) -> decoded.add(timed.submit(r)),
            failure,
            metrics);

    Map<String, Object> producerProps = new HashMap<>(config.kafkaProducer());
    producerProps.put("bootstrap.servers", config.bootstrapServers());
    producerProps.putIfAbsent("client.id", config.workerId() + "-producer");
    ModelIdentity identity =
        new ModelIdentity(
            model.metadata().name(),
            model.metadata().version(),
            model.labels(),
            config.workerId(),
            config.topK());
    publisher =
        Publisher.create(
            toPublisher,
            producerProps,
            exactlyOnce ? config.transactionalId() : null,
            new OutputRecords(
                identity,
                Integer.parseInt(
                    config.kafkaProducer().getOrDefault("max.request.size", "1048576"))),
            new Publisher.Topics(
                config.predictionsTopic(), config.embeddingsTopic(), config.deadLetterTopic()),
            poll::completed,
            failure,
            metrics,
            poll::groupMetadata,
            poll);
    publisherThread = new Thread(publisher, "publisher");
    publisherThread.start();
    synchronized (this) {
      if (stopping) {
        LOG.info("Stop requested during start-up; not joining the group");
        return;
      }
      pollThread = new Thread(poll, "poll");
      pollThread.start();
    }
    LOG.info(
        "Worker {} consuming {} in group {} ({}), batches of up to {}{} within {} ms, {} in flight at most",
        config.workerId(),
        config.inputTopic(),
        config.group(),
        config.delivery(),
        batchSize,
        config.batchMaxSize().auto() ? " (auto)" : "",
        config.batchMaxDelay().toMillis(),
        config.maxInFlight());
    Object instance = consumerProps.get("group.instance.id");
    LOG.info(
        instance != null
            ? "Static group member " + instance + ": a restart under this id resumes at once"
            : "Dynamic group member (set worker.id, unique and stable, for static membership)");
  }

  /** Begins a graceful stop; returns at once. Safe at any time, also during {@link #start()}. */
  public synchronized void stop() {
    stopRequested = true;
    beginStop();
  }

  private synchronized void beginStop() {
    stopping = true;
    MicroBatcher b = batcher;
    if (b != null) {
      b.drain();
    }
    PollLoop p = poll;
    if (p != null) {
      p.stop();
    }
  }

  /** Whether {@link #stop()} was called (a failed start alone does not count). */
  public boolean stopRequested() {
    return stopRequested;
  }

  private boolean owns(InputRecord record) {
    PollLoop p = poll;
    return p != null && p.owns(record);
  }

  /** Names a stage thread that died while the worker runs, or null. */
  private String deadStage() {
    if (stopping) {
      return null;
    }
    List<Thread> threads = new ArrayList<>(inferenceThreads);
    threads.add(batcherThread);
    threads.add(publisherThread);
    threads.add(pollThread);
    for (Thread t : threads) {
      if (t != null && !t.isAlive()) {
        return "thread " + t.getName() + " is not running";
      }
    }
    return null;
  }

  /**
   * Waits for the poll thread to finish (after {@link #stop()} or a fatal error), then stops the
   * other stages in pipeline order and closes everything.
   *
   * @return 0 after a graceful stop, 1 after a fatal error
   */
  public int awaitTermination() throws InterruptedException {
    while (pollThread != null && pollThread.isAlive()) {
      pollThread.join(200);
      if (failure.failed() && !stopping) {
        beginStop();
      }
    }
    close();
    return failure.failed() ? 1 : 0;
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      Thread pt = pollThread;
      if (pt != null) {
        poll.stop();
        join(pt, (int) config.shutdownTimeout().toSeconds() + 15);
      } else if (poll != null) {
        poll.closeUnstarted();
      }
      // After a fatal error nothing more will be published: do not wait long for stuck stages.
      int wait = failure.failed() ? 2 : 60;
      if (batcher != null) {
        batcher.stop();
        join(batcherThread, wait);
      }
      for (InferenceStage s : stages) {
        s.stop();
      }
      for (Thread t : inferenceThreads) {
        join(t, wait);
      }
      if (publisher != null) {
        if (failure.failed()) {
          // Unblock a send waiting on a full buffer; nothing more will be committed anyway.
          publisher.closeNow();
        }
        publisher.stop();
        join(publisherThread, wait);
        if (!failure.failed()) {
          publisher.flush();
        }
        publisher.close();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      if (decodePool != null) {
        decodePool.shutdownNow();
      }
      if (decodeTimer != null) {
        decodeTimer.shutdownNow();
      }
      if (watchdogTimer != null) {
        watchdogTimer.shutdownNow();
      }
      if (server != null) {
        server.close();
      }
      if (jmx != null) {
        jmx.stop();
      }
    }
  }

  private void join(Thread t, int seconds) throws InterruptedException {
    if (t == null) {
      return;
    }
    t.join(TimeUnit.SECONDS.toMillis(seconds));
    if (t.isAlive()) {
      LOG.warn("Thread {} did not stop within {} s; interrupting it", t.getName(), seconds);
      t.interrupt();
      t.join(2000);
    }
  }

  private static java.util.concurrent.ThreadFactory named(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
