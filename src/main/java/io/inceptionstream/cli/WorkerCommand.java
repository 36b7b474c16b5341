package io.inceptionstream.cli;

import io.inceptionstream.config.Secret;
import io.inceptionstream.config.WorkerConfig;
import io.inceptionstream.model.ModelDirectory;
import io.inceptionstream.pipeline.Worker;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code worker}: the streaming classifier. */
@Command(
    name = "worker",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Consume Avro images from Kafka, classify them in micro-batches and publish predictions, embeddings and dead letters.",
      "Settings: defaults < --config file < INCEPTION_STREAM_* environment < flags (see docs/configuration.md).",
      "SIGTERM or Ctrl-C: stop fetching, finish records in flight (shutdown.timeout), commit, exit 0."
    })
final class WorkerCommand implements Callable<Integer> {

  private static final Logger LOG = LoggerFactory.getLogger(WorkerCommand.class);

  @Option(
      names = "--bootstrap-servers",
      description =
          "Kafka bootstrap servers (key bootstrap-servers). Required unless set in the file or environment.")
  String bootstrapServers;

  @Option(
      names = "--model",
      description = "Model directory (key model). Default: the shipped model.")
  Path model;

  @Option(names = "--group", description = "Consumer group (key group). Default: inception-stream.")
  String group;

  @Option(
      names = "--embedding-taps",
      description =
          "Comma-separated taps, e.g. b5,a4.branch3; empty for none (key embedding.taps). Default: b5.")
  String taps;

  @Option(
      names = "--delivery",
      description = "at-least-once or exactly-once (key delivery). Default: at-least-once.")
  String delivery;

  @Option(
      names = "--create-topics",
      description = "Create missing topics at start (key topics.create).")
  boolean createTopics;

  @Option(
      names = "--metrics-port",
      description =
          "HTTP port for /metrics and /health (key metrics.port); 0 = any free port. Default: 9404.")
  Integer metricsPort;

  @Mixin ConfigOptions configOptions;

  @Override
  public Integer call() throws Exception {
    Map<String, String> flags = new LinkedHashMap<>();
    put(flags, "bootstrap-servers", bootstrapServers);
    put(flags, "model", model == null ? null : model.toString());
    put(flags, "group", group);
    put(flags, "embedding.taps", taps);
    put(flags, "delivery", delivery);
    put(flags, "metrics.port", metricsPort == null ? null : metricsPort.toString());
    if (createTopics) {
      flags.put("topics.create", "true");
    }
    WorkerConfig config = configOptions.load(flags);
    ModelDirectory dir =
        ModelLocator.openOrDefault(config.model().isBlank() ? null : Path.of(config.model()));
    LOG.info("Configuration: {}", config.describe());
    Worker worker = new Worker(config, dir);
    CountDownLatch finished = new CountDownLatch(1);
    // Until the worker has stopped normally, the process has failed: a crash during start-up or a
    // hook that gives up waiting must not exit 0.
    int[] exit = {1};
    Thread hook =
        new Thread(
            () -> {
              worker.stop();
              try {
                if (!finished.await(
                    config.shutdownTimeout().toMillis() + 30_000, TimeUnit.MILLISECONDS)) {
                  LOG.error("Worker did not stop within shutdown.timeout + 30 s; exiting anyway");
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              // The JVM would otherwise exit with the signal's status (143); a clean drain exits 0.
              Runtime.getRuntime().halt(exit[0]);
            },
            "shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      worker.start();
      exit[0] = worker.awaitTermination();
    } catch (Throwable e) {
      if (worker.stopRequested()) {
        // Stopped while starting (the engine, for one, refuses to load once the JVM shuts down):
        // nothing was consumed, so this is a clean stop.
        LOG.info("Start-up interrupted by a stop request ({})", Main.describe(e));
        exit[0] = 0;
        return 0;
      }
      exit[0] = 1;
      // Kafka's own errors can quote a fragment of a JAAS config or password: never print one.
      throw new CliException(Secret.redact(Main.describe(e), config.secrets()), e);
    } finally {
      finished.countDown();
    }
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // A signal arrived: the hook exits with the code set above.
    }
    if (worker.failure() != null) {
      throw new CliException(
          "worker stopped: " + Secret.redact(Main.describe(worker.failure()), config.secrets()), 1);
    }
    return exit[0];
  }

  private static void put(Map<String, String> flags, String key, String value) {
    if (value != null) {
      flags.put(key, value);
    }
  }
}
