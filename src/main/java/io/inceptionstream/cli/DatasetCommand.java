package io.inceptionstream.cli;

import io.inceptionstream.train.IdxFiles;
import io.inceptionstream.train.LabeledImages;
import io.inceptionstream.train.ShapeGenerator;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import javax.imageio.ImageIO;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code dataset shapes} writes the procedural shapes set, {@code dataset idx} exports an IDX set
 * (Fashion-MNIST and the like), as PNG files in one folder per class.
 */
@Command(
    name = "dataset",
    mixinStandardHelpOptions = true,
    description = "Generate data sets.",
    subcommands = {DatasetCommand.Shapes.class, DatasetCommand.Idx.class})
final class DatasetCommand implements Runnable {

  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(
        spec.commandLine(), "Missing subcommand: shapes or idx");
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

  @Command(
      name = "idx",
      mixinStandardHelpOptions = true,
      description =
          "Export an IDX data set (e.g. Fashion-MNIST) as grayscale PNGs in DIR/<class>/<index>.png,"
              + " class names made folder-safe ('/' becomes '-').")
  static final class Idx implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
        names = "--in",
        defaultValue = "/usr/share/datasets/fashion-mnist",
        description = "IDX directory. Default: ${DEFAULT-VALUE} (Debian's dataset-fashion-mnist).")
    Path in;

    @Option(names = "--out", required = true, description = "Output directory.")
    Path out;

    @Option(
        names = "--train",
        description = "Export the training file instead of the test file (t10k). Default: test.")
    boolean train;

    @Option(
        names = "--limit",
        defaultValue = "2147483647",
        description = "Export only the first N images. Default: all.")
    int limit;

    @Option(
        names = "--labels",
        paramLabel = "FILE",
        description = "Class names, one per line. Default: Fashion-MNIST's ten.")
    Path labels;

    @Option(names = "--json", description = "Print a JSON summary on stdout.")
    boolean json;

    /** Image {@code i} of an IDX set as a grayscale PNG, its pixels as stored. */
    static byte[] png(IdxFiles.Images images, int i) throws IOException {
      int side = images.rows() * images.columns();
      BufferedImage gray =
          new BufferedImage(images.columns(), images.rows(), BufferedImage.TYPE_BYTE_GRAY);
      gray.getRaster()
          .setDataElements(
              0,
              0,
              images.columns(),
              images.rows(),
              Arrays.copyOfRange(images.pixels(), i * side, (i + 1) * side));
      ByteArrayOutputStream png = new ByteArrayOutputStream();
      ImageIO.write(gray, "png", png);
      return png.toByteArray();
    }

    @Override
    public Integer call() throws IOException {
      if (limit < 1) {
        throw new CliException(
            "Invalid value " + limit + " for option --limit: must be at least 1", 2);
      }
      Path dir = DataOptions.idxDir(in);
      List<String> classes = DataOptions.idxClasses(labels);
      String prefix = train ? "train" : "t10k";
      IdxFiles.Images images;
      int[] labelsOf;
      try {
        images =
            IdxFiles.readImages(LabeledImages.idxFile(dir, prefix + "-images-idx3-ubyte"), limit);
        labelsOf =
            IdxFiles.readLabels(LabeledImages.idxFile(dir, prefix + "-labels-idx1-ubyte"), limit);
      } catch (IOException e) {
        throw new CliException(Main.describe(e), 1);
      }
      if (labelsOf.length != images.count()) {
        throw new CliException(
            "The IDX files disagree: " + images.count() + " images, " + labelsOf.length + " labels",
            1);
      }
      Progress progress = new Progress(spec.commandLine().getErr(), "idx", images.count(), !json);
      for (int i = 0; i < images.count(); i++) {
        if (labelsOf[i] >= classes.size()) {
          throw new CliException(
              "Label " + labelsOf[i] + " of image " + i + " has no class name", 1);
        }
        Path classDir = out.resolve(LabeledImages.folderName(classes.get(labelsOf[i])));
        Files.createDirectories(classDir);
        Files.write(classDir.resolve(String.format("%06d.png", i)), png(images, i));
        progress.update(i + 1, "");
      }
      progress.done();
      PrintWriter o = spec.commandLine().getOut();
      if (json) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("out", out.toString());
        doc.put("images", images.count());
        doc.put("classes", classes);
        Json.print(o, doc);
      } else {
        o.printf("Wrote %d images of %s to %s%n", images.count(), dir, out);
      }
      return 0;
    }
  }
}
