package io.inceptionstream.cli;

import io.inceptionstream.bench.ScalingBenchmark;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code bench scaling}: worker processes sharing one backlog, and a SIGKILL mid-stream. */
@Command(
    name = "scaling",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Records/s of 1, 2, 3... worker processes (child JVMs) in one group draining the same backlog",
      "from one topic, then a run that SIGKILLs one worker mid-stream and restarts it with the same",
      "worker.id, counting inputs without a prediction (lost) and repeated predictions (duplicates).",
      "The backlog is held in an open transaction until every worker is ready, so only the drain is timed."
    })
final class BenchScalingCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--engine",
      defaultValue = "mxnet",
      description =
          "inference.engine of the workers: mxnet, pytorch (-Ppytorch build) or stand-in (zero-cost, shows the split itself). Default: ${DEFAULT-VALUE}.")
  String engine;

  @Option(
      names = "--images",
      description = "Backlog per run. Default: 300 with a model engine, 20000 with stand-in.")
  Integer images;

  @Option(
      names = "--workers",
      split = ",",
      defaultValue = "1,2,3",
      description = "Worker counts, one run each. Default: ${DEFAULT-VALUE}.")
  int[] workers;

  @Option(
      names = "--partitions",
      defaultValue = "6",
      description = "Input topic partitions. Default: ${DEFAULT-VALUE}.")
  int partitions;

  @Option(
      names = "--kill",
      negatable = true,
      defaultValue = "true",
      fallbackValue = "true",
      description =
          "End with a run of the largest worker count in which one worker is SIGKILLed after a third of the backlog and restarted; --no-kill skips it. Default: ${DEFAULT-VALUE}.")
  boolean kill;

  @Option(
      names = "--model",
      description =
          "Model directory. Default: a randomly initialised 10-class model (speed does not depend on the weights).")
  Path model;

  @Option(
      names = "--threads",
      defaultValue = "0",
      description =
          "inference.threads of each worker; 0 = one per core (so workers on one host share the cores). Default: ${DEFAULT-VALUE}.")
  int threads;

  @Option(
      names = "--set",
      paramLabel = "KEY=VALUE",
      description =
          "A further worker setting for every worker (repeatable), e.g. batch.max-size=16.")
  Map<String, String> extra = new LinkedHashMap<>();

  @Option(
      names = "--bootstrap-servers",
      description =
          "Use this Kafka instead of a child-process broker (topics and groups get a unique prefix). Default: a broker in a child JVM.")
  String bootstrapServers;

  @Option(
      names = "--timeout",
      defaultValue = "10m",
      converter = DurationConverter.class,
      description =
          "Longest one run may take from the backlog's commit. Default: ${DEFAULT-VALUE}.")
  Duration timeout;

  @Option(names = "--json", description = "Print JSON on stdout (progress goes to stderr).")
  boolean json;

  @Override
  public Integer call() throws Exception {
    if (!List.of("mxnet", "pytorch", "stand-in").contains(engine)) {
      throw new CliException(
          "Invalid value " + engine + " for option --engine: must be mxnet, pytorch or stand-in",
          2);
    }
    int backlog = images != null ? images : "stand-in".equals(engine) ? 20_000 : 300;
    if (backlog < 1
        || partitions < 1
        || threads < 0
        || workers.length == 0
        || Arrays.stream(workers).anyMatch(w -> w < 1)) {
      throw new CliException(
          "--images, --partitions and each of --workers must be at least 1, --threads at least 0",
          2);
    }
    Path tmp = Files.createTempDirectory("inception-bench-scaling");
    boolean ok = false;
    try {
      Path dir =
          model != null
              ? ModelLocator.open(model).path()
              : BenchCommand.randomModel(tmp.resolve("model")).path();
      PrintWriter err = spec.commandLine().getErr();
      ScalingBenchmark bench =
          new ScalingBenchmark(
              new ScalingBenchmark.Settings(
                  engine,
                  dir,
                  backlog,
                  partitions,
                  Arrays.stream(workers).boxed().toList(),
                  kill,
                  threads,
                  extra,
                  bootstrapServers,
                  timeout),
              line -> {
                err.println(line);
                err.flush();
              });
      Map<String, Object> doc = bench.run(tmp);
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        Json.print(out, doc);
      } else {
        out.printf(
            "engine %s, %d images, %d partitions, %d cores, load average %.1f -> %.1f%n",
            engine,
            backlog,
            partitions,
            Runtime.getRuntime().availableProcessors(),
            (Double) doc.get("loadAverageAtStart"),
            (Double) doc.get("loadAverageAtEnd"));
        out.printf(
            "%8s %10s %12s %6s %11s %s%n",
            "workers", "drain s", "records/s", "lost", "duplicates", "SIGKILL");
        @SuppressWarnings("unchecked")
        List<ScalingBenchmark.Run> runs = (List<ScalingBenchmark.Run>) doc.get("runs");
        for (ScalingBenchmark.Run r : runs) {
          String k = "";
          if (r.killed() != null) {
            k =
                String.format(
                    "%s at %.1f s, recovery %s",
                    r.killed().workerId(),
                    r.killed().afterSeconds(),
                    r.killed().recoverySeconds() == null
                        ? "-"
                        : String.format("%.1f s", r.killed().recoverySeconds()));
          }
          out.printf(
              "%8d %10.2f %12.1f %6d %11d %s%n",
              r.workers(), r.drainSeconds(), r.recordsPerSecond(), r.lost(), r.duplicates(), k);
        }
      }
      ok = true;
      return 0;
    } finally {
      if (ok) {
        BenchCommand.deleteTree(tmp);
      } else {
        spec.commandLine().getErr().println("Broker data and worker logs kept in " + tmp);
      }
    }
  }
}
