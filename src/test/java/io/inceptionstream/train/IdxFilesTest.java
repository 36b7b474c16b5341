package io.inceptionstream.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inceptionstream.image.ImageDecoder;
import io.inceptionstream.image.ImageLimits;
import io.inceptionstream.image.Preprocessor;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.GZIPOutputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxFilesTest {

  /** An IDX file: magic, sizes, then the bytes; gzip-compressed when asked. */
  static void write(Path file, int magic, int[] dims, byte[] data, boolean gzip)
      throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(magic);
      for (int d : dims) {
        out.writeInt(d);
      }
      out.write(data);
    }
    try (OutputStream out =
        gzip ? new GZIPOutputStream(Files.newOutputStream(file)) : Files.newOutputStream(file)) {
      out.write(bytes.toByteArray());
    }
  }

  /** A t10k pair of n seeded 28x28 images with labels i % 10. */
  static byte[] testSet(Path dir, int n, boolean gzip) throws IOException {
    byte[] pixels = new byte[n * 784];
    new SplittableRandom(7).nextBytes(pixels);
    byte[] labels = new byte[n];
    for (int i = 0; i < n; i++) {
      labels[i] = (byte) (i % 10);
    }
    String gz = gzip ? ".gz" : "";
    write(dir.resolve("t10k-images-idx3-ubyte" + gz), 0x0803, new int[] {n, 28, 28}, pixels, gzip);
    write(dir.resolve("t10k-labels-idx1-ubyte" + gz), 0x0801, new int[] {n}, labels, gzip);
    return pixels;
  }

  @Test
  void readsGzippedAndPlainPairsAlike(@TempDir Path dir) throws Exception {
    Path gz = Files.createDirectory(dir.resolve("gz"));
    Path plain = Files.createDirectory(dir.resolve("plain"));
    testSet(gz, 12, true);
    testSet(plain, 12, false);
    LabeledImages a = LabeledImages.idx(gz, false, LabeledImages.FASHION_MNIST_CLASSES, 100);
    LabeledImages b = LabeledImages.idx(plain, false, LabeledImages.FASHION_MNIST_CLASSES, 100);
    assertEquals(12, a.size());
    assertArrayEquals(a.pixels(), b.pixels());
    assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1}, a.labels());
    assertEquals("T-shirt/top", a.classes().get(0));
    assertEquals(5, LabeledImages.idx(gz, false, a.classes(), 5).size(), "limit");
  }

  @Test
  void anIdxPictureBecomesExactlyWhatTheWorkerMakesOfTheSamePictureAsAPng(@TempDir Path dir)
      throws Exception {
    byte[] raw = testSet(dir, 3, true);
    LabeledImages idx = LabeledImages.idx(dir, false, LabeledImages.FASHION_MNIST_CLASSES, 3);
    for (int i = 0; i < 3; i++) {
      BufferedImage gray = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
      gray.getRaster()
          .setDataElements(0, 0, 28, 28, Arrays.copyOfRange(raw, i * 784, i * 784 + 784));
      ByteArrayOutputStream png = new ByteArrayOutputStream();
      ImageIO.write(gray, "png", png);
      byte[] served =
          Preprocessor.toChw(new ImageDecoder(ImageLimits.DEFAULT).decode(png.toByteArray()));
      assertArrayEquals(
          served,
          Arrays.copyOfRange(idx.pixels(), i * LabeledImages.BYTES, (i + 1) * LabeledImages.BYTES),
          "image " + i);
    }
  }

  @Test
  void refusesAWrongMagicNamingTheFile(@TempDir Path dir) throws Exception {
    testSet(dir, 2, true);
    Path images = dir.resolve("t10k-images-idx3-ubyte.gz");
    write(images, 0x0801, new int[] {2}, new byte[2], true);
    IOException e =
        assertThrows(
            IOException.class,
            () -> LabeledImages.idx(dir, false, LabeledImages.FASHION_MNIST_CLASSES, 10));
    assertTrue(e.getMessage().contains(images.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("magic"), e.getMessage());
  }

  @Test
  void refusesCountsThatDisagree(@TempDir Path dir) throws Exception {
    testSet(dir, 4, true);
    write(dir.resolve("t10k-labels-idx1-ubyte.gz"), 0x0801, new int[] {3}, new byte[3], true);
    IOException e =
        assertThrows(
            IOException.class,
            () -> LabeledImages.idx(dir, false, LabeledImages.FASHION_MNIST_CLASSES, 10));
    assertTrue(
        e.getMessage().contains("4 images") && e.getMessage().contains("3 labels"), e.getMessage());
  }

  @Test
  void refusesATruncatedFileNamingIt(@TempDir Path dir) throws Exception {
    testSet(dir, 4, false);
    Path images = dir.resolve("t10k-images-idx3-ubyte");
    byte[] whole = Files.readAllBytes(images);
    Files.write(images, Arrays.copyOf(whole, whole.length - 100));
    IOException e =
        assertThrows(
            IOException.class,
            () -> LabeledImages.idx(dir, false, LabeledImages.FASHION_MNIST_CLASSES, 10));
    assertTrue(e.getMessage().contains(images.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("truncated"), e.getMessage());
  }

  @Test
  void refusesALabelWithoutAClassName(@TempDir Path dir) throws Exception {
    testSet(dir, 10, true);
    IOException e =
        assertThrows(
            IOException.class, () -> LabeledImages.idx(dir, false, List.of("a", "b", "c"), 10));
    assertTrue(e.getMessage().contains("label 3"), e.getMessage());
  }

  @Test
  void namesTheMissingFile(@TempDir Path dir) {
    IOException e =
        assertThrows(
            IOException.class,
            () -> LabeledImages.idx(dir, true, LabeledImages.FASHION_MNIST_CLASSES, 10));
    assertTrue(e.getMessage().contains("train-images-idx3-ubyte"), e.getMessage());
  }

  @Test
  void readsTheRealFashionMnistTestSetWhenInstalled() throws Exception {
    Path dir = LabeledImages.FASHION_MNIST_DIR;
    org.junit.jupiter.api.Assumptions.assumeTrue(
        Files.isDirectory(dir), "dataset-fashion-mnist is not installed");
    LabeledImages test = LabeledImages.idx(dir, false, LabeledImages.FASHION_MNIST_CLASSES, 20_000);
    assertEquals(10_000, test.size());
    int[] perClass = new int[10];
    for (int l : test.labels()) {
      perClass[l]++;
    }
    for (int c = 0; c < 10; c++) {
      assertEquals(1000, perClass[c], "class " + c);
    }
  }
}
