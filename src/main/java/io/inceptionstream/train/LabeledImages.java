package io.inceptionstream.train;

import io.inceptionstream.image.ImageDecoder;
import io.inceptionstream.image.ImageLimits;
import io.inceptionstream.image.ImageRejectedException;
import io.inceptionstream.image.Preprocessor;
import io.inceptionstream.image.RgbImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * A labelled image set held compactly as 32x32 channel-first RGB bytes (3,072 a picture), with
 * loaders for generated shapes, image folders (one subfolder per class) and CIFAR-10's binary
 * layout. Immutable.
 *
 * @param pixels size x 3072 bytes, channel-first
 * @param labels class index of each image
 * @param classes class names in label order
 * @param description where the images came from, recorded in model metadata
 */
public record LabeledImages(byte[] pixels, int[] labels, List<String> classes, String description) {

  /** Bytes per image. */
  public static final int BYTES = Preprocessor.FLOATS;

  public LabeledImages {
    if (pixels.length != (long) labels.length * BYTES) {
      throw new IllegalArgumentException(
          labels.length + " labels for " + pixels.length + " pixel bytes");
    }
    classes = List.copyOf(classes);
  }

  /** Number of images. */
  public int size() {
    return labels.length;
  }

  /** Images {@code 0 .. n-1} of the shapes set with this seed. */
  public static LabeledImages shapes(int n, long seed) {
    return shapes(0, n, seed);
  }

  /** Images {@code first .. first+n-1} of the shapes set with this seed. */
  public static LabeledImages shapes(long first, int n, long seed) {
    byte[] px = new byte[n * BYTES];
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      ShapeGenerator.Sample s = ShapeGenerator.sample(seed, first + i);
      System.arraycopy(Preprocessor.toChw(s.image()), 0, px, i * BYTES, BYTES);
      labels[i] = s.label();
    }
    return new LabeledImages(
        px,
        labels,
        ShapeGenerator.CLASSES,
        "shapes n=" + n + " seed=" + seed + (first == 0 ? "" : " first=" + first));
  }

  /**
   * Reads an image folder: each subfolder is a class (sorted by name), each readable image in it
   * (any depth) a sample, resized to 32x32. Unreadable files are listed in the exception.
   *
   * @throws IOException if the folder is missing, has no classes, or files fail to decode
   */
  public static LabeledImages folder(Path root) throws IOException {
    return folder(root, null);
  }

  /**
   * Reads an image folder whose subfolders are named after {@code classes}: each subfolder's images
   * get the index of the class it names (the name itself, or its {@link #folderName}), in whatever
   * order the folders list, so a folder set made for one model can be evaluated against another
   * with the same labels. Classes without a folder simply have no images.
   *
   * @param classes the class names in label order (a model's labels), or {@code null} to take the
   *     subfolders themselves, sorted by name, as the classes
   * @throws IOException if the folder is missing, has fewer than two classes, a subfolder names no
   *     class (all such are listed), or files fail to decode
   */
  public static LabeledImages folder(Path root, List<String> classes) throws IOException {
    if (!Files.isDirectory(root)) {
      throw new NoSuchFileException(root.toString(), null, "not a directory");
    }
    List<Path> classDirs;
    try (Stream<Path> s = Files.list(root)) {
      classDirs = s.filter(Files::isDirectory).sorted().toList();
    }
    if (classDirs.size() < 2) {
      throw new IOException(
          root + " needs at least two class subfolders, found " + classDirs.size());
    }
    List<String> names =
        classes != null
            ? List.copyOf(classes)
            : classDirs.stream().map(p -> p.getFileName().toString()).toList();
    int[] classOf = new int[classDirs.size()];
    List<String> unknown = new ArrayList<>();
    for (int c = 0; c < classDirs.size(); c++) {
      String folder = classDirs.get(c).getFileName().toString();
      classOf[c] = -1;
      for (int k = 0; k < names.size(); k++) {
        if (names.get(k).equals(folder) || folderName(names.get(k)).equals(folder)) {
          classOf[c] = k;
          break;
        }
      }
      if (classOf[c] < 0) {
        unknown.add(folder);
      }
    }
    if (!unknown.isEmpty()) {
      throw new IOException(
          root
              + ": subfolder(s) "
              + unknown
              + " name no class of "
              + names
              + " (folders are matched to classes by name)");
    }
    ImageDecoder decoder = new ImageDecoder(ImageLimits.DEFAULT);
    List<byte[]> images = new ArrayList<>();
    List<Integer> labels = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    for (int c = 0; c < classDirs.size(); c++) {
      List<Path> files;
      try (Stream<Path> s = Files.walk(classDirs.get(c))) {
        files = s.filter(Files::isRegularFile).sorted().toList();
      }
      for (Path f : files) {
        try {
          images.add(Preprocessor.toChw(decoder.decode(Files.readAllBytes(f))));
          labels.add(classOf[c]);
        } catch (ImageRejectedException e) {
          failures.add(f + ": " + e.getMessage());
        }
      }
    }
    if (!failures.isEmpty()) {
      throw new IOException(
          failures.size() + " unreadable image(s) under " + root + ", first: " + failures.get(0));
    }
    byte[] px = new byte[images.size() * BYTES];
    for (int i = 0; i < images.size(); i++) {
      System.arraycopy(images.get(i), 0, px, i * BYTES, BYTES);
    }
    return new LabeledImages(
        px, labels.stream().mapToInt(Integer::intValue).toArray(), names, "folder " + root);
  }

  /** Where Debian's {@code dataset-fashion-mnist} package installs the IDX files. */
  public static final Path FASHION_MNIST_DIR = Path.of("/usr/share/datasets/fashion-mnist");

  /** Fashion-MNIST's class names in label order. */
  public static final List<String> FASHION_MNIST_CLASSES =
      List.of(
          "T-shirt/top",
          "Trouser",
          "Pullover",
          "Dress",
          "Coat",
          "Sandal",
          "Shirt",
          "Sneaker",
          "Bag",
          "Ankle boot");

  /**
   * Reads an IDX data set (MNIST's format, shared by Fashion-MNIST and KMNIST): {@code
   * train-images-idx3-ubyte[.gz]} with {@code train-labels-idx1-ubyte[.gz]}, or the {@code t10k-}
   * pair. Each grayscale picture becomes 32x32 channel-first RGB through {@link
   * Preprocessor#toChw}, exactly as the worker turns a decoded grayscale image into the network's
   * input, so training, evaluation and serving see the same pixels.
   *
   * @param train the training pair when true, the test pair otherwise
   * @param classes class names in label order; every label in the files must have one
   * @param limit read at most this many images (the first ones)
   * @throws IOException if a file is missing or malformed (the message names it), the two files
   *     disagree on the count, or a label has no class name
   */
  public static LabeledImages idx(Path dir, boolean train, List<String> classes, int limit)
      throws IOException {
    String prefix = train ? "train" : "t10k";
    Path imagesFile = idxFile(dir, prefix + "-images-idx3-ubyte");
    Path labelsFile = idxFile(dir, prefix + "-labels-idx1-ubyte");
    requireSameCount(imagesFile, labelsFile);
    IdxFiles.Images images = IdxFiles.readImages(imagesFile, limit);
    int[] labels = IdxFiles.readLabels(labelsFile, limit);
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] >= classes.size()) {
        throw new IOException(
            labelsFile
                + ": label "
                + labels[i]
                + " of item "
                + i
                + " has no class name ("
                + classes.size()
                + " given; pass a labels file with one name per line)");
      }
    }
    return idx(
        images,
        labels,
        classes,
        "idx " + dir + " " + (train ? "train" : "test") + " n=" + images.count());
  }

  /** Refuses an image file and a label file whose headers declare different counts. */
  static void requireSameCount(Path imagesFile, Path labelsFile) throws IOException {
    int declaredImages = IdxFiles.count(imagesFile);
    int declaredLabels = IdxFiles.count(labelsFile);
    if (declaredImages != declaredLabels) {
      throw new IOException(
          imagesFile
              + " declares "
              + declaredImages
              + " images but "
              + labelsFile
              + " declares "
              + declaredLabels
              + " labels");
    }
  }

  /**
   * IDX images and their labels as a data set: each grayscale picture becomes 32x32 channel-first
   * RGB through {@link Preprocessor#toChw}, as the worker does it.
   */
  public static LabeledImages idx(
      IdxFiles.Images images, int[] labels, List<String> classes, String description) {
    int side = images.rows() * images.columns();
    byte[] px = new byte[images.count() * BYTES];
    int[] gray = new int[side];
    for (int i = 0; i < images.count(); i++) {
      for (int p = 0; p < side; p++) {
        int v = images.pixels()[i * side + p] & 0xFF;
        gray[p] = v << 16 | v << 8 | v;
      }
      byte[] chw = Preprocessor.toChw(new RgbImage(images.columns(), images.rows(), gray.clone()));
      System.arraycopy(chw, 0, px, i * BYTES, BYTES);
    }
    return new LabeledImages(px, labels, classes, description);
  }

  /**
   * {@code name.gz} if it exists, else {@code name}; for messages, the .gz name when neither does.
   */
  public static Path idxFile(Path dir, String name) {
    Path gz = dir.resolve(name + ".gz");
    Path plain = dir.resolve(name);
    return Files.exists(gz) || !Files.exists(plain) ? gz : plain;
  }

  /**
   * A class name as a folder name: {@code /} (as in Fashion-MNIST's "T-shirt/top") cannot appear in
   * one and becomes {@code -}.
   */
  public static String folderName(String className) {
    return className.replace('/', '-');
  }

  /** The CIFAR-10 class names in label order. */
  public static final List<String> CIFAR10_CLASSES =
      List.of(
          "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck");

  /**
   * Reads CIFAR-10's binary layout: records of one label byte and 3,072 channel-first pixels.
   *
   * @param train {@code data_batch_1..5.bin} when true, {@code test_batch.bin} otherwise
   */
  public static LabeledImages cifar10(Path dir, boolean train) throws IOException {
    List<Path> files = new ArrayList<>();
    if (train) {
      for (int i = 1; i <= 5; i++) {
        files.add(dir.resolve("data_batch_" + i + ".bin"));
      }
    } else {
      files.add(dir.resolve("test_batch.bin"));
    }
    int record = 1 + BYTES;
    List<byte[]> chunks = new ArrayList<>();
    int total = 0;
    for (Path f : files) {
      if (!Files.exists(f)) {
        throw new NoSuchFileException(
            f.toString(),
            null,
            "CIFAR-10 binary file missing (expected data_batch_1..5.bin and test_batch.bin)");
      }
      byte[] bytes;
      try (InputStream in = Files.newInputStream(f)) {
        bytes = in.readAllBytes();
      }
      if (bytes.length % record != 0) {
        throw new IOException(
            f
                + " is "
                + bytes.length
                + " bytes, not a whole number of "
                + record
                + "-byte records");
      }
      chunks.add(bytes);
      total += bytes.length / record;
    }
    byte[] px = new byte[total * BYTES];
    int[] labels = new int[total];
    int i = 0;
    for (byte[] bytes : chunks) {
      for (int off = 0; off < bytes.length; off += record, i++) {
        labels[i] = bytes[off] & 0xFF;
        if (labels[i] > 9) {
          throw new IOException("CIFAR-10 label " + labels[i] + " out of range in record " + i);
        }
        System.arraycopy(bytes, off + 1, px, i * BYTES, BYTES);
      }
    }
    return new LabeledImages(
        px, labels, CIFAR10_CLASSES, "cifar10 " + (train ? "train" : "test") + " " + dir);
  }

  /** A random split: the first part has {@code 1 - fraction} of the images, the second the rest. */
  public List<LabeledImages> split(double fraction, long seed) {
    int[] order = permutation(size(), seed);
    int held = (int) Math.round(size() * fraction);
    return List.of(
        subset(Arrays.copyOfRange(order, held, size()), description + " (train split)"),
        subset(Arrays.copyOfRange(order, 0, held), description + " (held-out split)"));
  }

  /** The images at these indices. */
  public LabeledImages subset(int[] indices, String newDescription) {
    byte[] px = new byte[indices.length * BYTES];
    int[] l = new int[indices.length];
    for (int i = 0; i < indices.length; i++) {
      System.arraycopy(pixels, indices[i] * BYTES, px, i * BYTES, BYTES);
      l[i] = labels[indices[i]];
    }
    return new LabeledImages(px, l, classes, newDescription);
  }

  /** Per-channel mean and standard deviation of the pixel values scaled to 0..1. */
  public float[][] channelStatistics() {
    double[] sum = new double[3];
    double[] sq = new double[3];
    int plane = BYTES / 3;
    for (int i = 0; i < size(); i++) {
      for (int c = 0; c < 3; c++) {
        int base = i * BYTES + c * plane;
        for (int p = 0; p < plane; p++) {
          double v = (pixels[base + p] & 0xFF) / 255.0;
          sum[c] += v;
          sq[c] += v * v;
        }
      }
    }
    float[] mean = new float[3];
    float[] std = new float[3];
    double n = (double) size() * plane;
    for (int c = 0; c < 3; c++) {
      mean[c] = (float) (sum[c] / n);
      std[c] =
          (float) Math.max(1e-3, Math.sqrt(Math.max(0, sq[c] / n - mean[c] * (double) mean[c])));
    }
    return new float[][] {mean, std};
  }

  /** A seeded Fisher–Yates permutation of {@code 0 .. n-1}. */
  static int[] permutation(int n, long seed) {
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    SplittableRandom r = new SplittableRandom(seed);
    for (int i = n - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    return order;
  }

  /** A short lower-case name for a class list, for messages. */
  public String classSummary() {
    return classes.size()
        + " classes ("
        + String.join(", ", classes).toLowerCase(Locale.ROOT)
        + ")";
  }
}
