package io.inceptionstream.cli;

import io.inceptionstream.bench.ModelThroughput;
import io.inceptionstream.bench.Trials;
import io.inceptionstream.config.CostCurve;
import io.inceptionstream.inference.EngineSetup;
import io.inceptionstream.inference.Precision;
import io.inceptionstream.model.ModelDirectory;
import io.inceptionstream.model.ModelInitializer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code bench ...}: throughput measurements, reported as medians. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Benchmarks: the model alone, and the streaming pipeline against its baselines.",
    subcommands = {
      BenchCommand.ModelBench.class,
      BenchCommand.PipelineBench.class,
      BenchScalingCommand.class,
      BenchLatencyCommand.class,
      BenchCommand.TrainBench.class,
      BenchCommand.JmhBench.class
    })
final class BenchCommand implements Runnable {

  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(
        spec.commandLine(), "Missing subcommand: " + spec.subcommands().keySet());
  }

  @Command(
      name = "model",
      mixinStandardHelpOptions = true,
      description =
          "Images per second of the model alone, per batch size (median, min and max of interleaved runs after warm-up), beside the machine's own speed in the same rounds (a fixed amount of plain arithmetic on every core).")
  static final class ModelBench implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
        names = "--model",
        description =
            "Model directory. Default: a randomly initialised 10-class model (speed does not depend on the weights).")
    Path model;

    @Option(
        names = "--batch-sizes",
        split = ",",
        defaultValue = "1,8,32,64",
        description = "Comma-separated batch sizes. Default: ${DEFAULT-VALUE}.")
    int[] batchSizes;

    @Option(
        names = "--warmup",
        defaultValue = "2",
        description =
            "Untimed rounds first (one pass per batch size each). Default: ${DEFAULT-VALUE}.")
    int warmup;

    @Option(
        names = "--runs",
        defaultValue = "5",
        description =
            "Timed rounds, one pass per batch size each, interleaved; median (min-max) reported. At"
                + " least 5. Default: ${DEFAULT-VALUE}.")
    int runs;

    @Option(names = "--json", description = "Print JSON on stdout.")
    boolean json;

    @Option(
        names = "--precision",
        defaultValue = "fp32",
        description =
            "Compiled MXNet graph on the CPU: fp32, int8 (oneDNN, calibrated on the benchmark's"
                + " random inputs) or bf16. Default: ${DEFAULT-VALUE}.")
    String precision;

    @Mixin EngineOptions engineOptions;

    @Override
    public Integer call() throws Exception {
      Precision arithmetic;
      try {
        arithmetic = Precision.parse(precision);
      } catch (IllegalArgumentException e) {
        throw new CliException(e.getMessage(), 2);
      }
      if (batchSizes.length == 0
          || Arrays.stream(batchSizes).anyMatch(b -> b < 1)
          || Arrays.stream(batchSizes).distinct().count() != batchSizes.length) {
        throw new CliException(
            "Invalid value "
                + Arrays.toString(batchSizes)
                + " for option --batch-sizes: each must be at least 1, and none repeated",
            2);
      }
      requireRuns(runs, warmup);
      String engine = engineOptions.prepare();
      String device = engineOptions.devices(engine).get(0);
      Path tmp = null;
      ModelDirectory dir;
      if (model != null) {
        dir = ModelLocator.open(model);
      } else {
        tmp = Files.createTempDirectory("inception-bench-model");
        dir = randomModel(tmp);
      }
      try {
        PrintWriter err = spec.commandLine().getErr();
        ModelThroughput.Run run =
            ModelThroughput.run(
                dir,
                engineOptions.runnerOptions(engine, List.of(), false).withPrecision(arithmetic),
                device,
                batchSizes,
                warmup,
                runs,
                progress(err));
        List<ModelThroughput.Result> results = run.results();
        PrintWriter out = spec.commandLine().getOut();
        boolean compiled = engineOptions.compiled && "MXNet".equals(engine);
        if (json) {
          Map<String, Object> doc = new LinkedHashMap<>();
          doc.put("engine", engine);
          doc.put("device", device);
          doc.put("compiled", compiled);
          doc.put("precision", arithmetic.key());
          doc.put("threads", EngineSetup.effective("OMP_NUM_THREADS"));
          doc.put("cores", Runtime.getRuntime().availableProcessors());
          doc.put("warmupRounds", warmup);
          doc.put("runs", runs);
          doc.put("results", results);
          doc.put("machineReference", Map.of("gflopsPerSecond", run.machineReference()));
          Json.print(out, doc);
        } else {
          out.printf(
              "engine %s (%s, %s), device %s, %s threads, %d cores; median (min–max) of %d"
                  + " interleaved runs after %d warm-up rounds%n",
              engine,
              compiled ? "compiled graph" : "op by op",
              arithmetic.key(),
              device,
              EngineSetup.effective("OMP_NUM_THREADS"),
              Runtime.getRuntime().availableProcessors(),
              runs,
              warmup);
          out.printf("%6s  %-28s  %-28s  %s%n", "batch", "images/s", "ms per pass", "max/min");
          for (ModelThroughput.Result r : results) {
            out.printf(
                "%6d  %-28s  %-28s  %.2f%n",
                r.batchSize(),
                r.imagesPerSecond().format("%.1f"),
                r.batchMillis().format("%.1f"),
                r.imagesPerSecond().spread());
          }
          out.printf(
              "machine reference (plain arithmetic, the same rounds): %s GFLOP/s, max/min %.2f%n",
              run.machineReference().format("%.2f"), run.machineReference().spread());
        }
        return 0;
      } finally {
        if (tmp != null) {
          deleteTree(tmp);
        }
      }
    }
  }

  @Command(
      name = "pipeline",
      mixinStandardHelpOptions = true,
      sortOptions = false,
      description = {
        "The pipeline through a real broker (a child process unless told otherwise), as ratios in",
        "one run (median, min and max of --runs interleaved rounds after a warm-up round):",
        "  worker draining a backlog vs the model offline at the same batch size,",
        "  micro-batching vs one forward pass per record,",
        "  the pipeline with a zero-cost model stand-in vs a plain Kafka consume->produce passthrough.",
        "With --stand-in-cost the first two pairs run on the stand-in with that GPU-like cost.",
        "Each round also times a fixed amount of plain arithmetic on every core (machineReference):",
        "when the baseline spreads as much as it does, the machine is what drifts."
      })
  static final class PipelineBench implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
        names = "--model",
        description =
            "Model directory. Default: a randomly initialised 10-class model (speed does not depend on the weights).")
    Path model;

    @Option(
        names = "--bootstrap-servers",
        description =
            "Use this Kafka instead of a broker started here (topics and groups get a unique prefix). Default: a broker in a child process.")
    String bootstrapServers;

    @Option(
        names = "--in-process-broker",
        description =
            "Start the broker inside this JVM, as before the child process was the default (to compare: its threads and heap share the measuring process).")
    boolean inProcessBroker;

    @Option(
        names = "--offline-on-calling-thread",
        description =
            "Time the offline baseline on the command's own thread, as before, instead of on a fresh thread like the worker's inference thread (to compare).")
    boolean offlineOnCallingThread;

    @Option(
        names = "--stand-in-cost",
        converter = CostCurveConverter.class,
        description =
            "Run the model measurements on the stand-in engine with this cost per forward call, per call plus per image (2ms+20us: a GPU-like curve), instead of the model.")
    CostCurve standInCost;

    @Option(
        names = "--images",
        defaultValue = "320",
        description = "Backlog for the measurements with the model. Default: ${DEFAULT-VALUE}.")
    int images;

    @Option(
        names = "--stand-in-images",
        defaultValue = "20000",
        description =
            "Backlog for the stand-in and passthrough measurements, and with --stand-in-cost for"
                + " the model measurements too (20000 take about two seconds each on 2 cores at zero"
                + " cost, and the per-record one about 46 s at 2ms+20us; a third of a second is too short to hold"
                + " still on a shared machine). Default: ${DEFAULT-VALUE}.")
    int standInImages;

    @Option(
        names = "--batch-size",
        defaultValue = "32",
        description = "Micro-batch size. Default: ${DEFAULT-VALUE}.")
    int batchSize;

    @Option(
        names = "--partitions",
        defaultValue = "4",
        description = "Input topic partitions. Default: ${DEFAULT-VALUE}.")
    int partitions;

    @Option(
        names = "--runs",
        defaultValue = "5",
        description =
            "Measured rounds, each running every measurement once; median (min-max) reported. At"
                + " least 5. Default: ${DEFAULT-VALUE}.")
    int runs;

    @Option(
        names = "--threads",
        defaultValue = "0",
        description = "Native compute threads; 0 = one per core. Default: ${DEFAULT-VALUE}.")
    int threads;

    @Option(names = "--json", description = "Print JSON on stdout.")
    boolean json;

    @Override
    public Integer call() throws Exception {
      if (images < 1 || standInImages < 1 || batchSize < 1 || partitions < 1 || threads < 0) {
        throw new CliException(
            "--images, --stand-in-images, --batch-size and --partitions must be at least 1, --threads at least 0",
            2);
      }
      requireRuns(runs, 0);
      io.inceptionstream.inference.EngineSetup.apply(threads);
      Path tmp = Files.createTempDirectory("inception-bench");
      try {
        ModelDirectory dir =
            model != null ? ModelLocator.open(model) : randomModel(tmp.resolve("model"));
        PrintWriter err = spec.commandLine().getErr();
        var bench =
            new io.inceptionstream.bench.PipelineBenchmark(
                new io.inceptionstream.bench.PipelineBenchmark.Settings(
                    images,
                    standInImages,
                    batchSize,
                    partitions,
                    runs,
                    threads,
                    bootstrapServers,
                    standInCost,
                    inProcessBroker,
                    !offlineOnCallingThread),
                dir,
                progress(err));
        Map<String, Object> doc = bench.run(tmp);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
          Json.print(out, doc);
        } else {
          @SuppressWarnings("unchecked")
          Map<String, Trials.Figure> ips = (Map<String, Trials.Figure>) doc.get("imagesPerSecond");
          @SuppressWarnings("unchecked")
          Map<String, Trials.Figure> ratios = (Map<String, Trials.Figure>) doc.get("ratios");
          out.printf(
              "model %s; images/s, median (min–max) of %d interleaved runs, batch %d:%n",
              doc.get("model"), runs, batchSize);
          ips.forEach((k, v) -> out.printf("  %-20s %s%n", k, v.format("%.1f")));
          out.println("ratios:");
          ratios.forEach((k, v) -> out.printf("  %-30s %s%n", k, v.format("%.2f")));
          @SuppressWarnings("unchecked")
          Map<String, Trials.Figure> machine =
              (Map<String, Trials.Figure>) doc.get("machineReference");
          out.printf(
              "machine reference (plain arithmetic, the same rounds): %s GFLOP/s%n",
              machine.get("gflopsPerSecond").format("%.2f"));
          out.println("max/min over the runs:");
          ((Map<?, ?>) doc.get("spread")).forEach((k, v) -> out.printf("  %-30s %s%n", k, v));
        }
        return 0;
      } finally {
        deleteTree(tmp);
      }
    }
  }

  @Command(
      name = "train",
      mixinStandardHelpOptions = true,
      sortOptions = false,
      description = {
        "Training speed of the two paths in one run, on one network and a fixed seeded batch:",
        "the compiled MXNet graph (train's default) vs DJL's blocks op by op (train --no-compiled).",
        "Each measurement is --steps full steps (forward, loss, backward, Adam update); the paths",
        "alternate round by round; median (min-max) of --runs rounds after --warmup rounds.",
        "Also times the compiled graph's forward pass alone (evaluation mode, unfused), to show how",
        "much of a step is the backward pass, and reports both paths' loss on the same batch",
        "before any step (they must agree)."
      })
  static final class TrainBench implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
        names = "--batch-size",
        defaultValue = "32",
        description = "Images per step (train's default). Default: ${DEFAULT-VALUE}.")
    int batchSize;

    @Option(
        names = "--steps",
        defaultValue = "3",
        description = "Training steps per measurement. Default: ${DEFAULT-VALUE}.")
    int steps;

    @Option(
        names = "--aux",
        negatable = true,
        defaultValue = "true",
        fallbackValue = "true",
        description =
            "With the auxiliary heads, as train runs by default. Default: ${DEFAULT-VALUE}.")
    boolean aux;

    @Option(
        names = "--runs",
        defaultValue = "5",
        description = "Measured rounds (at least 5). Default: ${DEFAULT-VALUE}.")
    int runs;

    @Option(
        names = "--warmup",
        defaultValue = "1",
        description = "Rounds run first and discarded. Default: ${DEFAULT-VALUE}.")
    int warmup;

    @Option(
        names = "--threads",
        defaultValue = "0",
        description = "Native compute threads; 0 = one per core. Default: ${DEFAULT-VALUE}.")
    int threads;

    @Option(names = "--json", description = "Print JSON on stdout (progress stays on stderr).")
    boolean json;

    @Override
    public Integer call() throws Exception {
      if (batchSize < 2 || steps < 1 || threads < 0) {
        throw new CliException(
            "--batch-size must be at least 2, --steps at least 1, --threads at least 0", 2);
      }
      requireRuns(runs, warmup);
      io.inceptionstream.inference.EngineSetup.apply(threads);
      PrintWriter err = spec.commandLine().getErr();
      try (var bench = new io.inceptionstream.train.TrainingBenchmark(batchSize, aux, 1)) {
        float compiledLoss = bench.loss(true);
        float opByOpLoss = bench.loss(false);
        Trials trials = new Trials(warmup, runs);
        trials.add("compiled", () -> bench.imagesPerSecond(true, steps));
        trials.add("opByOp", () -> bench.imagesPerSecond(false, steps));
        trials.add("compiledForwardOnly", () -> bench.forwardImagesPerSecond(steps));
        Trials.Results r =
            trials.run(
                (round, values) -> {
                  err.printf("round %d: %s images/s%n", round, values);
                  err.flush();
                });
        Map<String, Object> doc = new java.util.LinkedHashMap<>();
        doc.put("batchSize", batchSize);
        doc.put("auxiliary", aux);
        doc.put("stepsPerMeasurement", steps);
        doc.put("runs", runs);
        doc.put("imagesPerSecond", r.figures());
        Map<String, Object> ratios = new java.util.LinkedHashMap<>();
        ratios.put("compiledVsOpByOp", r.ratio("compiled", "opByOp"));
        ratios.put("forwardOnlyVsCompiledStep", r.ratio("compiledForwardOnly", "compiled"));
        doc.put("ratios", ratios);
        Map<String, Object> loss = new java.util.LinkedHashMap<>();
        loss.put("compiled", compiledLoss);
        loss.put("opByOp", opByOpLoss);
        loss.put("relativeDifference", Math.abs(compiledLoss - opByOpLoss) / Math.abs(opByOpLoss));
        doc.put("lossOnTheSameBatch", loss);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
          Json.print(out, doc);
        } else {
          out.printf(
              "training images/s, median (min–max) of %d interleaved runs, batch %d:%n",
              runs, batchSize);
          r.figures().forEach((k, v) -> out.printf("  %-20s %s%n", k, v.format("%.2f")));
          out.printf("compiled vs op by op: %s%n", r.ratio("compiled", "opByOp").format("%.2f"));
          out.printf(
              "loss on the same batch: compiled %.6f, op by op %.6f%n", compiledLoss, opByOpLoss);
        }
        return 0;
      }
    }
  }

  @Command(
      name = "jmh",
      mixinStandardHelpOptions = true,
      description =
          "JMH microbenchmarks of the per-record work around the model (decode, normalise, encode outputs).")
  static final class JmhBench implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
        names = "--include",
        defaultValue = "HotPathBenchmarks",
        description = "Regular expression of benchmarks to run. Default: ${DEFAULT-VALUE}.")
    String include;

    @Option(
        names = "--json",
        description = "Print the results as JSON on stdout (JMH's progress goes to stderr).")
    boolean json;

    @Override
    public Integer call() throws Exception {
      org.openjdk.jmh.runner.options.Options options =
          new org.openjdk.jmh.runner.options.OptionsBuilder()
              .include(include)
              // The forked JVM gets the JVM's defaults, not the launcher's C1-only settings.
              .jvmArgs("-Xmx1g")
              .build();
      java.io.PrintStream progress = json ? System.err : System.out;
      var format =
          org.openjdk.jmh.runner.format.OutputFormatFactory.createFormatInstance(
              progress, org.openjdk.jmh.runner.options.VerboseMode.NORMAL);
      java.util.Collection<org.openjdk.jmh.results.RunResult> results =
          new org.openjdk.jmh.runner.Runner(options, format).run();
      if (json) {
        java.util.List<Map<String, Object>> rows = new java.util.ArrayList<>();
        for (org.openjdk.jmh.results.RunResult r : results) {
          Map<String, Object> row = new LinkedHashMap<>();
          row.put("benchmark", r.getParams().getBenchmark());
          row.put("score", r.getPrimaryResult().getScore());
          row.put("error", r.getPrimaryResult().getScoreError());
          row.put("unit", r.getPrimaryResult().getScoreUnit());
          rows.add(row);
        }
        Json.print(spec.commandLine().getOut(), Map.of("results", rows));
      }
      return 0;
    }
  }

  static void requireRuns(int runs, int warmup) {
    if (runs < Trials.MIN_RUNS || warmup < 0) {
      throw new CliException(
          "Invalid --runs "
              + runs
              + " or --warmup "
              + warmup
              + ": runs must be at least "
              + Trials.MIN_RUNS
              + ", warmup at least 0",
          2);
    }
  }

  static Consumer<String> progress(PrintWriter err) {
    return line -> {
      err.println(line);
      err.flush();
    };
  }

  /** Reads {@code --stand-in-cost} as configuration spells it. */
  static final class CostCurveConverter implements CommandLine.ITypeConverter<CostCurve> {
    @Override
    public CostCurve convert(String value) {
      try {
        return CostCurve.parse(value);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException(
            "Invalid value " + value + " for option --stand-in-cost: " + e.getMessage());
      }
    }
  }

  /** A seeded random 10-class model: speed does not depend on the weights. */
  static ModelDirectory randomModel(Path dir) throws IOException {
    return ModelInitializer.create(
        dir, 10, 1, ModelInitializer.defaultLabels(10), "googlenet-random", "0.0.0", "MXNet");
  }

  static void deleteTree(Path root) throws IOException {
    try (var walk = Files.walk(root)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
