package io.inceptionstream.cli;

import io.inceptionstream.bench.LatencyBenchmark;
import io.inceptionstream.config.ConfigException;
import io.inceptionstream.config.WorkerConfigDef;
import io.inceptionstream.inference.EngineSetup;
import io.inceptionstream.model.ModelDirectory;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code bench latency}: end-to-end latency percentiles against offered load, with a PNG plot. */
@Command(
    name = "latency",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "End-to-end latency (p50/p95/p99, from the input's timestamp to its prediction being readable)",
      "against offered load, through a real broker into a real worker: the ceiling is measured on a",
      "backlog, then each --compare mode is swept open loop from 10 %% to 100 %% of it.",
      "Writes DIR/latency.png; with --json the figures go to stdout."
    })
final class BenchLatencyCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--model",
      description =
          "Model directory. Default: a randomly initialised 10-class model (speed does not depend on the weights).")
  Path model;

  @Option(
      names = "--bootstrap-servers",
      description =
          "Use this Kafka instead of an embedded broker (topics and groups get a unique prefix). Default: an embedded broker in this process.")
  String bootstrapServers;

  @Option(
      names = "--compare",
      split = ",",
      defaultValue = "auto",
      description =
          "batch.max-size values to sweep, e.g. auto,1,32; the first measures the ceiling. Default: ${DEFAULT-VALUE}.")
  List<String> modes;

  @Option(
      names = "--steps",
      defaultValue = "10",
      description =
          "Load steps from 10 %% to 100 %% of the ceiling, at least 2. Default: ${DEFAULT-VALUE}.")
  int steps;

  @Option(
      names = "--step-duration",
      defaultValue = "20s",
      converter = DurationConverter.class,
      description = "How long each step sends. Default: ${DEFAULT-VALUE}.")
  Duration stepDuration;

  @Option(
      names = "--ceiling-images",
      defaultValue = "200",
      description = "Backlog the ceiling is measured on. Default: ${DEFAULT-VALUE}.")
  int ceilingImages;

  @Option(
      names = "--max-delay",
      defaultValue = "50ms",
      converter = DurationConverter.class,
      description = "The worker's batch.max-delay. Default: ${DEFAULT-VALUE}.")
  Duration maxDelay;

  @Option(
      names = "--engine",
      defaultValue = "mxnet",
      description =
          "inference.engine: mxnet, or stand-in to measure the pipeline without the model. Default: ${DEFAULT-VALUE}.")
  String engine;

  @Option(
      names = "--partitions",
      defaultValue = "4",
      description = "Input topic partitions. Default: ${DEFAULT-VALUE}.")
  int partitions;

  @Option(
      names = "--threads",
      defaultValue = "0",
      description = "Native compute threads; 0 = one per core. Default: ${DEFAULT-VALUE}.")
  int threads;

  @Option(
      names = "--out",
      defaultValue = "bench-latency",
      description = "Directory for latency.png. Default: ${DEFAULT-VALUE}.")
  Path out;

  @Option(
      names = "--note",
      description = "Text appended to the plot's title, e.g. \"small run on a shared machine\".")
  String note;

  @Option(names = "--json", description = "Print JSON on stdout.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    if (steps < 2 || ceilingImages < 1 || partitions < 1 || threads < 0) {
      throw new CliException(
          "--steps must be at least 2, --ceiling-images and --partitions at least 1, --threads at least 0",
          2);
    }
    if (stepDuration.isNegative() || stepDuration.isZero()) {
      throw new CliException("--step-duration must be positive", 2);
    }
    if (new HashSet<>(modes).size() != modes.size()) {
      throw new CliException("--compare repeats a mode: " + String.join(",", modes), 2);
    }
    for (String mode : modes) {
      try {
        WorkerConfigDef.BATCH_MAX_SIZE.parse(mode);
      } catch (ConfigException e) {
        throw new CliException("--compare: " + e.getMessage(), 2);
      }
    }
    EngineSetup.apply(threads);
    Path tmp = Files.createTempDirectory("inception-bench-latency");
    try {
      ModelDirectory dir =
          model != null ? ModelLocator.open(model) : BenchCommand.randomModel(tmp.resolve("model"));
      PrintWriter err = spec.commandLine().getErr();
      LatencyBenchmark.Settings settings =
          new LatencyBenchmark.Settings(
              modes,
              steps,
              stepDuration,
              ceilingImages,
              maxDelay,
              engine,
              partitions,
              threads,
              bootstrapServers);
      LatencyBenchmark.Result result =
          new LatencyBenchmark(
                  settings,
                  dir,
                  line -> {
                    err.println(line);
                    err.flush();
                  })
              .run(tmp);
      Path png = LatencyBenchmark.plot(result, settings, out, note);
      PrintWriter stdout = spec.commandLine().getOut();
      if (json) {
        Map<String, Object> doc = LatencyBenchmark.toJson(result, settings, png.toString());
        Json.print(stdout, doc);
      } else {
        stdout.printf("ceiling %.1f images/s; plot %s%n", result.ceilingPerSecond(), png);
        for (LatencyBenchmark.Sweep s : result.sweeps()) {
          stdout.printf("batch.max-size=%s (batch %d):%n", s.mode(), s.chosenBatchSize());
          stdout.printf(
              "  %8s %10s %10s %8s %8s %8s%n",
              "load", "offered/s", "achieved/s", "p50", "p95", "p99");
          for (LatencyBenchmark.Point p : s.points()) {
            stdout.printf(
                "  %7.0f%% %10.1f %10.1f %8.0f %8.0f %8.0f%n",
                p.load() * 100,
                p.offeredPerSecond(),
                p.achievedPerSecond(),
                p.p50Ms(),
                p.p95Ms(),
                p.p99Ms());
          }
          LatencyBenchmark.Goal g = s.goal();
          stdout.printf(
              "  goal at %.0f %% load: p99 %.0f ms <= max-delay %.0f + 2 x batch %.0f = %.0f ms: %s%n",
              g.load() * 100,
              g.p99Ms(),
              g.maxDelayMs(),
              g.batchInferenceMs(),
              g.limitMs(),
              g.met() ? "met" : "NOT met");
        }
      }
      return 0;
    } finally {
      BenchCommand.deleteTree(tmp);
    }
  }
}
