package io.inceptionstream.cli;

import io.inceptionstream.train.ShapeGenerator;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code dataset shapes}: writes the procedural shapes set as PNG files, one folder per class. */
@Command(
    name = "dataset",
    mixinStandardHelpOptions = true,
    description = "Generate data sets.",
    subcommands = {DatasetCommand.Shapes.class})
final class DatasetCommand implements Runnable {

  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(
        spec.commandLine(), "Missing subcommand: shapes");
  }

  @Command(
      name = "shapes",
      mixinStandardHelpOptions = true,
      description =
          "Write a 10-class set of 32x32 PNG shapes (circle, square, triangle, cross, star, ring, horizontal-bar, vertical-bar, diamond, heart) as DIR/<class>/<index>.png; deterministic for a seed.")
  static final class Shapes implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--out", required = true, description = "Output directory.")
    Path out;

    @Option(
        names = "--per-class",
        defaultValue = "100",
        description = "Images per class. Default: ${DEFAULT-VALUE}.")
    int perClass;

    @Option(
        names = "--seed",
        defaultValue = "1",
        description = "Seed; different seeds give different images. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--json", description = "Print a JSON summary on stdout.")
    boolean json;

    @Override
    public Integer call() throws IOException {
      if (perClass < 1) {
        throw new CliException(
            "Invalid value " + perClass + " for option --per-class: must be at least 1", 2);
      }
      int classes = ShapeGenerator.CLASSES.size();
      for (String c : ShapeGenerator.CLASSES) {
        Files.createDirectories(out.resolve(c));
      }
      int total = perClass * classes;
      Progress progress = new Progress(spec.commandLine().getErr(), "shapes", total, !json);
      for (int i = 0; i < total; i++) {
        ShapeGenerator.Sample s = ShapeGenerator.sample(seed, i);
        Files.write(out.resolve(s.className()).resolve(String.format("%06d.png", i)), s.png());
        progress.update(i + 1, "");
      }
      progress.done();
      PrintWriter o = spec.commandLine().getOut();
      if (json) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("out", out.toString());
        doc.put("images", total);
        doc.put("classes", ShapeGenerator.CLASSES);
        doc.put("seed", seed);
        Json.print(o, doc);
      } else {
        o.printf("Wrote %d images (%d per class, seed %d) to %s%n", total, perClass, seed, out);
      }
      return 0;
    }
  }
}
