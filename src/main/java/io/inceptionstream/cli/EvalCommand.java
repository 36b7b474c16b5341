package io.inceptionstream.cli;

import io.inceptionstream.image.Preprocessor;
import io.inceptionstream.inference.Precision;
import io.inceptionstream.model.InvalidModelException;
import io.inceptionstream.model.ModelDirectory;
import io.inceptionstream.train.Evaluation;
import io.inceptionstream.train.LabeledImages;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code eval}: accuracy and confusion matrix of a model on labelled data. */
@Command(
    name = "eval",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = "Accuracy and confusion matrix of a model on labelled images.")
final class EvalCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--model", description = "Model directory. Default: the shipped model.")
  Path model;

  @ArgGroup(exclusive = true, multiplicity = "1", heading = "Data (exactly one):%n")
  DataOptions data;

  @Option(
      names = "--seed",
      defaultValue = "999",
      description = "With --shapes: the set's seed. Default: ${DEFAULT-VALUE}.")
  long seed;

  @Option(
      names = "--batch-size",
      defaultValue = "64",
      description = "Images per forward pass. Default: ${DEFAULT-VALUE}.")
  int batchSize;

  @Option(
      names = "--labels",
      paramLabel = "FILE",
      description = "With --idx: class names, one per line. Default: Fashion-MNIST's ten.")
  Path labels;

  @Option(
      names = "--limit",
      defaultValue = "2147483647",
      description = "With --idx: evaluate only the first N test images. Default: all.")
  int limit;

  @Option(
      names = "--precision",
      defaultValue = "fp32",
      description =
          "fp32 or int8 (the compiled MXNet graph on the CPU; int8 needs model calibrate first)."
              + " Default: ${DEFAULT-VALUE}.")
  String precision;

  @Option(
      names = "--record",
      paramLabel = "KEY",
      description =
          "Also write the result (data, accuracy, per-class recall, confusion matrix, preprocessing)"
              + " into the model's metadata.json under provenance.KEY, e.g. testEvaluation.")
  String record;

  @Option(names = "--json", description = "Print JSON on stdout.")
  boolean json;

  @Mixin EngineOptions engineOptions;

  @Override
  public Integer call() throws InvalidModelException {
    if (batchSize < 1) {
      throw new CliException(
          "Invalid value " + batchSize + " for option --batch-size: must be at least 1", 2);
    }
    Precision arithmetic;
    try {
      arithmetic = Precision.parse(precision);
    } catch (IllegalArgumentException e) {
      throw new CliException(e.getMessage(), 2);
    }
    ModelDirectory dir = ModelLocator.openOrDefault(model);
    String engine = engineOptions.prepare();
    String device = engineOptions.devices(engine).get(0);
    LabeledImages images = data.load(false, seed, dir.labels(), labels, limit);
    Evaluation.Result r;
    try {
      r =
          Evaluation.evaluate(
              dir,
              images,
              engineOptions.runnerOptions(engine, List.of(), false).withPrecision(arithmetic),
              device,
              batchSize);
    } catch (IllegalArgumentException e) {
      throw new CliException(e.getMessage(), 1);
    }
    if (record != null) {
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("data", images.description());
      e.put("images", r.images());
      e.put("accuracy", r.accuracy());
      e.put("classes", r.classes());
      e.put("perClassRecall", r.recall());
      e.put("confusion", r.confusion());
      e.put("precision", precision);
      e.put("preprocessing", Preprocessor.DESCRIPTION);
      e.put("evaluatedAt", java.time.Instant.now().toString());
      try {
        dir.withProvenance(Map.of(record, e));
      } catch (java.io.IOException ex) {
        throw new CliException(
            "Cannot record the evaluation in " + dir.path() + ": " + Main.describe(ex), 1);
      }
    }
    PrintWriter o = spec.commandLine().getOut();
    if (json) {
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put(
          "model",
          Map.of(
              "name",
              dir.metadata().name(),
              "version",
              dir.metadata().version(),
              "path",
              dir.path().toString()));
      doc.put("data", images.description());
      doc.put("precision", precision);
      doc.put("accuracy", r.accuracy());
      doc.put("images", r.images());
      doc.put("classes", r.classes());
      doc.put("perClassRecall", r.recall());
      doc.put("confusion", r.confusion());
      Json.print(o, doc);
    } else {
      o.printf(
          "Model %s %s on %s%n",
          dir.metadata().name(), dir.metadata().version(), images.description());
      printHuman(o, r);
    }
    return 0;
  }

  static void printHuman(PrintWriter o, Evaluation.Result r) {
    o.printf("Accuracy: %.4f on %d images%n", r.accuracy(), r.images());
    o.println("Confusion matrix (rows: true class, columns: predicted):");
    int w = 4;
    o.printf("%16s", "");
    for (int p = 0; p < r.classes().size(); p++) {
      o.printf("%" + w + "d", p);
    }
    o.println("  recall");
    double[] recall = r.recall();
    for (int t = 0; t < r.classes().size(); t++) {
      o.printf("%2d %-13s", t, abbreviate(r.classes().get(t)));
      for (int p = 0; p < r.classes().size(); p++) {
        o.printf("%" + w + "d", r.confusion()[t][p]);
      }
      o.printf("  %.3f%n", recall[t]);
    }
    o.flush();
  }

  private static String abbreviate(String s) {
    return s.length() <= 13 ? s : s.substring(0, 12) + "~";
  }
}
