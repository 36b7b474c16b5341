package io.inceptionstream.train;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Fashion-MNIST's official test images with their labels: all 10,000 from Debian's {@code
 * dataset-fashion-mnist} package when it is installed, otherwise the first 1,000, which ship inside
 * the jar with their licence notice so the demo runs on a fresh machine.
 *
 * @param images the grayscale 28x28 pictures
 * @param labels each picture's class index into {@link LabeledImages#FASHION_MNIST_CLASSES}
 * @param source where they came from, for messages and reports
 */
public record FashionMnistTestSet(IdxFiles.Images images, int[] labels, String source) {

  /** Test images shipped in the jar. */
  public static final int SHIPPED = 1000;

  /** Size of the official test set. */
  public static final int FULL = 10_000;

  private static final String RESOURCE = "/io/inceptionstream/demo/fashion-mnist/";

  /**
   * The first {@code n} test images, from the installed package if there is one, else from the jar.
   *
   * @throws IOException if more than {@link #SHIPPED} are asked for without the package (the
   *     message names it), or a file is malformed
   */
  public static FashionMnistTestSet first(int n) throws IOException {
    return first(n, LabeledImages.FASHION_MNIST_DIR);
  }

  static FashionMnistTestSet first(int n, Path installed) throws IOException {
    if (n < 1) {
      throw new IllegalArgumentException("At least one image, not " + n);
    }
    Path images = LabeledImages.idxFile(installed, "t10k-images-idx3-ubyte");
    Path labels = LabeledImages.idxFile(installed, "t10k-labels-idx1-ubyte");
    if (Files.isRegularFile(images) && Files.isRegularFile(labels)) {
      LabeledImages.requireSameCount(images, labels);
      IdxFiles.Images read = IdxFiles.readImages(images, n);
      if (read.count() < n) {
        throw new IOException(images + " holds " + read.count() + " images, not " + n);
      }
      return new FashionMnistTestSet(
          read, IdxFiles.readLabels(labels, n), "Fashion-MNIST test set (" + installed + ")");
    }
    if (n > SHIPPED) {
      throw new IOException(
          "Only the first "
              + SHIPPED
              + " Fashion-MNIST test images ship with Inception Stream; for up to "
              + FULL
              + " install Debian's package with 'apt-get install dataset-fashion-mnist' (it puts"
              + " them in "
              + installed
              + ")");
    }
    return new FashionMnistTestSet(
        readShipped(
            "t10k-images-idx3-ubyte.gz", in -> IdxFiles.readImages(in, "shipped images", n)),
        readShipped(
            "t10k-labels-idx1-ubyte.gz", in -> IdxFiles.readLabels(in, "shipped labels", n)),
        "Fashion-MNIST test images 0-" + (SHIPPED - 1) + " shipped in the jar");
  }

  /** The images as a data set for evaluation. */
  public LabeledImages labeled() {
    return LabeledImages.idx(
        images, labels, LabeledImages.FASHION_MNIST_CLASSES, source + " n=" + images.count());
  }

  /** The class name of image {@code i}. */
  public String className(int i) {
    return LabeledImages.FASHION_MNIST_CLASSES.get(labels[i]);
  }

  /** The count of images. */
  public int size() {
    return images.count();
  }

  private interface Reader<T> {
    T read(InputStream in) throws IOException;
  }

  private static <T> T readShipped(String name, Reader<T> reader) throws IOException {
    try (InputStream in = FashionMnistTestSet.class.getResourceAsStream(RESOURCE + name)) {
      if (in == null) {
        throw new IOException("The jar lacks its shipped demo images (" + RESOURCE + name + ")");
      }
      return reader.read(in);
    }
  }

  /** The licence notice shipped with the images. */
  public static List<String> shippedLicence() throws IOException {
    return readShipped(
        "LICENSE",
        in ->
            new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
                .lines()
                .toList());
  }
}
