package io.inceptionstream.cli;

import io.inceptionstream.image.ImageDecoder;
import io.inceptionstream.image.ImageLimits;
import io.inceptionstream.image.ImageRejectedException;
import io.inceptionstream.image.Preprocessor;
import io.inceptionstream.inference.Classifier;
import io.inceptionstream.inference.EngineSetup;
import io.inceptionstream.inference.Engines;
import io.inceptionstream.inference.InferenceResult;
import io.inceptionstream.inference.Scored;
import io.inceptionstream.model.Architecture;
import io.inceptionstream.model.Complexity;
import io.inceptionstream.model.InvalidModelException;
import io.inceptionstream.model.ModelDirectory;
import io.inceptionstream.model.ModelInitializer;
import io.inceptionstream.model.NetworkSummary;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code model init|info|predict}: create, describe and try model directories. */
@Command(
    name = "model",
    mixinStandardHelpOptions = true,
    description = "Create, describe, calibrate and run model directories.",
    subcommands = {
      ModelCommand.Init.class,
      ModelCommand.Info.class,
      ModelCommand.Predict.class,
      ModelCommand.Calibrate.class
    })
final class ModelCommand implements Runnable {

  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(
        spec.commandLine(), "Missing subcommand: init, info, predict or calibrate");
  }

  @Command(
      name = "init",
      mixinStandardHelpOptions = true,
      description = "Write a seeded, randomly initialised model directory.")
  static final class Init implements java.util.concurrent.Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
        names = "--out",
        required = true,
        description = "Directory to create (existing files are replaced).")
    Path out;

    @Option(
        names = "--classes",
        defaultValue = "10",
        description = "Number of classes. Default: ${DEFAULT-VALUE}.")
    int classes;

    @Option(
        names = "--seed",
        defaultValue = "42",
        description =
            "Random seed; the same seed gives the same parameters. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(
        names = "--name",
        defaultValue = "googlenet-random",
        description = "Model name. Default: ${DEFAULT-VALUE}.")
    String name;

    @Option(
        names = "--model-version",
        defaultValue = "0.0.0",
        description = "Model version. Default: ${DEFAULT-VALUE}.")
    String version;

    @Option(names = "--json", description = "Print the result as JSON on stdout.")
    boolean json;

    @Override
    public Integer call() throws IOException {
      if (classes < 2) {
        throw new CliException(
            "Invalid value " + classes + " for option --classes: must be at least 2", 2);
      }
      EngineSetup.apply(0);
      ModelDirectory dir =
          ModelInitializer.create(
              out,
              classes,
              seed,
              ModelInitializer.defaultLabels(classes),
              name,
              version,
              Engines.MXNET);
      PrintWriter o = spec.commandLine().getOut();
      if (json) {
        Json.print(
            o,
            Map.of(
                "model",
                out.toString(),
                "classes",
                classes,
                "seed",
                seed,
                "trainableParameters",
                dir.metadata().trainableParameters(),
                "parametersSha256",
                dir.metadata().parametersSha256()));
      } else {
        o.printf(
            "Wrote %s: %d classes, seed %d, %,d trainable parameters%n",
            out, classes, seed, dir.metadata().trainableParameters());
      }
      return 0;
    }
  }

  @Command(
      name = "info",
      mixinStandardHelpOptions = true,
      description = "Layer table, totals and the seed's 1x1-reduction comparison.")
  static final class Info implements java.util.concurrent.Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
        names = "--model",
        description = "Model directory; without it, a 10-class network is described.")
    Path model;

    @Option(names = "--json", description = "Print JSON on stdout.")
    boolean json;

    @Override
    public Integer call() throws InvalidModelException {
      ModelDirectory dir = model == null ? null : ModelLocator.open(model);
      int classes = dir == null ? 10 : dir.metadata().classes();
      EngineSetup.apply(0);
      NetworkSummary summary = NetworkSummary.of(classes, dir, Engines.MXNET);
      long trainable = summary.trainable();
      long frozen = summary.runningStatistics();
      List<Complexity.Layer> layers = Complexity.layers(classes);
      for (Complexity.Layer l : layers) {
        Long actual = summary.perLayer().get(l.name());
        if (actual != null && actual != l.parameters()) {
          throw new IllegalStateException(
              "Layer "
                  + l.name()
                  + " has "
                  + actual
                  + " parameters, the table says "
                  + l.parameters());
        }
      }
      long macs = Complexity.macs(classes);
      PrintWriter o = spec.commandLine().getOut();
      if (json) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("architecture", Architecture.NAME);
        doc.put("classes", classes);
        doc.put("inputShape", List.of(Architecture.CHANNELS, Architecture.SIZE, Architecture.SIZE));
        doc.put("trainableParameters", trainable);
        doc.put("runningStatistics", frozen);
        doc.put("macs", macs);
        doc.put("layers", layers);
        doc.put("inceptionComparison", Complexity.comparison());
        if (dir != null) {
          doc.put("model", dir.metadata());
          doc.put("labels", dir.labels());
        }
        Json.print(o, doc);
        return 0;
      }
      if (dir != null) {
        o.printf(
            "Model %s %s (%s), %d classes: %s%n",
            dir.metadata().name(),
            dir.metadata().version(),
            dir.path(),
            classes,
            String.join(", ", dir.labels()));
      }
      o.printf("%-8s %-14s %12s %16s%n", "layer", "output", "parameters", "MACs");
      for (Complexity.Layer l : layers) {
        o.printf(
            "%-8s %-14s %,12d %,16d%n", l.name(), shape(l.outputShape()), l.parameters(), l.macs());
      }
      o.printf("%-8s %-14s %,12d %,16d%n", "total", "", trainable, macs);
      o.printf(
          "Trainable parameters: %,d (BatchNorm running statistics: %,d more)%n",
          trainable, frozen);
      o.printf(
          "MACs per %dx%d image: %,d (%.2f G)%n%n",
          Architecture.SIZE, Architecture.SIZE, macs, macs / 1e9);
      o.println(
          "Inception modules with and without the 1x1 reductions (naive: 3x3 and \"5x5\" on the full input, pool branch unprojected):");
      o.printf(
          "%-6s %14s %14s %8s %16s %16s %10s%n",
          "module", "params", "naive params", "ratio", "MACs", "naive MACs", "naive out");
      for (Complexity.ModuleComparison c : Complexity.comparison()) {
        o.printf(
            "%-6s %,14d %,14d %7.1fx %,16d %,16d %10d%n",
            c.module(),
            c.reducedParameters(),
            c.naiveParameters(),
            (double) c.naiveParameters() / c.reducedParameters(),
            c.reducedMacs(),
            c.naiveMacs(),
            c.naiveOutChannels());
      }
      return 0;
    }

    private static String shape(List<Integer> s) {
      return s.stream().map(String::valueOf).reduce((a, b) -> a + "x" + b).orElse("");
    }
  }

  @Command(
      name = "predict",
      mixinStandardHelpOptions = true,
      description = "Classify image files (JPEG, PNG, BMP, GIF; any size and colour model).")
  static final class Predict implements java.util.concurrent.Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--model", description = "Model directory. Default: the shipped model.")
    Path model;

    @Option(
        names = "--top-k",
        defaultValue = "3",
        description = "Classes to list per image. Default: ${DEFAULT-VALUE}.")
    int topK;

    @Option(
        names = "--batch-size",
        defaultValue = "32",
        description = "Images per forward pass. Default: ${DEFAULT-VALUE}.")
    int batchSize;

    @Option(
        names = "--json",
        description = "Print one JSON document on stdout: predictions and errors.")
    boolean json;

    @Mixin EngineOptions engineOptions;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "Image files.")
    List<Path> files;

    @Override
    public Integer call() throws InvalidModelException {
      if (topK < 1) {
        throw new CliException(
            "Invalid value " + topK + " for option --top-k: must be at least 1", 2);
      }
      if (batchSize < 1) {
        throw new CliException(
            "Invalid value " + batchSize + " for option --batch-size: must be at least 1", 2);
      }
      ModelDirectory dir = ModelLocator.openOrDefault(model);
      String engine = engineOptions.prepare();
      var device = engineOptions.devices(engine).get(0);
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      ImageDecoder decoder = new ImageDecoder(ImageLimits.DEFAULT);
      List<Map<String, Object>> predictions = new ArrayList<>();
      List<Map<String, Object>> errors = new ArrayList<>();
      try (Classifier classifier =
          Classifier.open(
              dir, engineOptions.runnerOptions(engine, List.of(), false), device, batchSize)) {
        List<Path> pending = new ArrayList<>();
        // Resized to the same 32x32 bytes the worker's decoder keeps, so a file here and as a
        // record there get the same scores.
        List<byte[]> pixels = new ArrayList<>();
        for (int i = 0; i <= files.size(); i++) {
          if (i < files.size()) {
            Path f = files.get(i);
            try {
              byte[] bytes = readFile(f, decoder.limits().maxBytes());
              pixels.add(Preprocessor.toChw(decoder.decode(bytes)));
              pending.add(f);
            } catch (ImageRejectedException e) {
              errors.add(error(f, e.reason().name(), e.getMessage()));
              if (!json) {
                err.printf("error: %s: %s%n", f, e.getMessage());
              }
            } catch (IOException e) {
              errors.add(error(f, "UNREADABLE_FILE", describe(e)));
              if (!json) {
                err.printf("error: %s: cannot read: %s%n", f, describe(e));
              }
            }
          }
          if (!pending.isEmpty() && (pending.size() == batchSize || i == files.size())) {
            InferenceResult r = classifier.classify(pixels);
            for (int k = 0; k < pending.size(); k++) {
              Map<String, Object> p = prediction(pending.get(k), r, k, dir.labels());
              predictions.add(p);
              if (!json) {
                out.println(humanLine(p));
              }
            }
            pending.clear();
            pixels.clear();
          }
        }
      }
      if (json) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put(
            "model", Map.of("name", dir.metadata().name(), "version", dir.metadata().version()));
        doc.put("predictions", predictions);
        doc.put("errors", errors);
        Json.print(out, doc);
      }
      out.flush();
      err.flush();
      return errors.isEmpty() ? 0 : 1;
    }

    private Map<String, Object> prediction(
        Path file, InferenceResult r, int k, List<String> labels) {
      List<Map<String, Object>> top = new ArrayList<>();
      for (Scored s : r.topK(k, topK)) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("label", labels.get(s.index()));
        e.put("index", s.index());
        e.put("probability", s.probability());
        top.add(e);
      }
      Map<String, Object> p = new LinkedHashMap<>();
      p.put("file", file.toString());
      p.put("label", top.get(0).get("label"));
      p.put("index", top.get(0).get("index"));
      p.put("probability", top.get(0).get("probability"));
      p.put("topK", top);
      return p;
    }

    @SuppressWarnings("unchecked")
    private static String humanLine(Map<String, Object> p) {
      StringBuilder sb = new StringBuilder();
      sb.append(p.get("file")).append(": ");
      List<Map<String, Object>> top = (List<Map<String, Object>>) p.get("topK");
      for (int i = 0; i < top.size(); i++) {
        if (i > 0) {
          sb.append(", ");
        }
        sb.append(top.get(i).get("label"))
            .append(String.format(" %.3f", (Float) top.get(i).get("probability")));
      }
      return sb.toString();
    }

    private static Map<String, Object> error(Path f, String kind, String message) {
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("file", f.toString());
      e.put("error", kind);
      e.put("message", message);
      return e;
    }

    private static byte[] readFile(Path f, int maxBytes)
        throws IOException, ImageRejectedException {
      long size = Files.size(f);
      if (size > maxBytes) {
        throw new ImageRejectedException(
            ImageRejectedException.Reason.IMAGE_TOO_LARGE,
            "Image has " + size + " bytes, over the limit of " + maxBytes);
      }
      return Files.readAllBytes(f);
    }

    private static String describe(IOException e) {
      return e instanceof java.nio.file.NoSuchFileException ? "no such file" : Main.describe(e);
    }
  }

  @Command(
      name = "calibrate",
      mixinStandardHelpOptions = true,
      sortOptions = false,
      description = {
        "Store calibration images in a model directory, so the worker and eval can run it at",
        "int8 (inference.precision=int8, eval --precision int8). Use training images, not the test",
        "set: --idx takes the first N of the training file."
      })
  static final class Calibrate implements java.util.concurrent.Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--model", required = true, description = "Model directory to calibrate.")
    Path model;

    @picocli.CommandLine.ArgGroup(
        exclusive = true,
        multiplicity = "1",
        heading = "Data (exactly one):%n")
    DataOptions data;

    @Option(
        names = "--images",
        defaultValue = "256",
        description = "Images to store (the first N). Default: ${DEFAULT-VALUE}.")
    int images;

    @Option(
        names = "--seed",
        defaultValue = "7",
        description = "With --shapes: the set's seed. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(
        names = "--labels",
        paramLabel = "FILE",
        description = "With --idx: class names, one per line. Default: Fashion-MNIST's ten.")
    Path labels;

    @Override
    public Integer call() throws java.io.IOException {
      if (images < 1) {
        throw new CliException(
            "Invalid value " + images + " for option --images: must be at least 1", 2);
      }
      ModelDirectory dir = ModelLocator.open(model);
      io.inceptionstream.train.LabeledImages set =
          data.load(true, seed, dir.labels(), labels, images);
      int n = Math.min(images, set.size());
      byte[] chw =
          java.util.Arrays.copyOf(set.pixels(), n * ModelDirectory.CALIBRATION_IMAGE_BYTES);
      dir.withCalibration(chw, set.description());
      spec.commandLine()
          .getOut()
          .printf(
              "Stored %d calibration images from %s in %s%n",
              n, set.description(), dir.path().resolve(ModelDirectory.CALIBRATION_FILE));
      return 0;
    }
  }
}
