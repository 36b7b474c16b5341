package io.inceptionstream.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LabeledImagesTest {

  /** A CIFAR-10 binary file of records: one label byte, then 3,072 channel-first pixel bytes. */
  private static void cifarFile(Path file, int... labels) throws IOException {
    byte[] out = new byte[labels.length * 3073];
    for (int i = 0; i < labels.length; i++) {
      out[i * 3073] = (byte) labels[i];
      Arrays.fill(out, i * 3073 + 1, (i + 1) * 3073, (byte) (10 * i + labels[i]));
    }
    Files.write(file, out);
  }

  @Test
  void readsCifar10sBinaryLayout(@TempDir Path dir) throws Exception {
    for (int b = 1; b <= 5; b++) {
      cifarFile(dir.resolve("data_batch_" + b + ".bin"), b, 9);
    }
    cifarFile(dir.resolve("test_batch.bin"), 3);
    LabeledImages train = LabeledImages.cifar10(dir, true);
    assertEquals(10, train.size());
    assertEquals(1, train.labels()[0]);
    assertEquals(9, train.labels()[9]);
    assertEquals((byte) 1, train.pixels()[0], "first pixel of the first record");
    assertEquals(LabeledImages.CIFAR10_CLASSES, train.classes());
    LabeledImages test = LabeledImages.cifar10(dir, false);
    assertEquals(1, test.size());
    assertEquals(3, test.labels()[0]);
  }

  @Test
  void refusesTruncatedOrMissingCifarFilesNamingThem(@TempDir Path dir) throws Exception {
    IOException missing = assertThrows(IOException.class, () -> LabeledImages.cifar10(dir, false));
    assertTrue(missing.getMessage().contains("test_batch.bin"), missing.getMessage());
    Files.write(dir.resolve("test_batch.bin"), new byte[3000]);
    IOException truncated =
        assertThrows(IOException.class, () -> LabeledImages.cifar10(dir, false));
    assertTrue(truncated.getMessage().contains("3073-byte records"), truncated.getMessage());
  }

  @Test
  void readsAnImageFolderWithOneSubfolderPerClass(@TempDir Path dir) throws Exception {
    for (int i = 0; i < 6; i++) {
      ShapeGenerator.Sample s = ShapeGenerator.sample(4, i);
      Path classDir = Files.createDirectories(dir.resolve(i % 2 == 0 ? "even" : "odd"));
      Files.write(classDir.resolve(i + ".png"), s.png());
    }
    LabeledImages data = LabeledImages.folder(dir);
    assertEquals(List.of("even", "odd"), data.classes());
    assertEquals(6, data.size());
    assertEquals(3, Arrays.stream(data.labels()).filter(l -> l == 1).count());
    List<LabeledImages> parts = data.split(1.0 / 3, 1);
    assertEquals(4, parts.get(0).size());
    assertEquals(2, parts.get(1).size());
  }

  @Test
  void shapesAreDeterministicPerSeedAndDifferAcrossSeeds() {
    LabeledImages a = LabeledImages.shapes(20, 7);
    LabeledImages b = LabeledImages.shapes(20, 7);
    LabeledImages c = LabeledImages.shapes(20, 8);
    assertArrayEquals(a.pixels(), b.pixels());
    assertTrue(!Arrays.equals(a.pixels(), c.pixels()));
    Set<Integer> classes = new HashSet<>();
    for (int l : a.labels()) {
      classes.add(l);
    }
    assertEquals(10, classes.size(), "every prefix of 10 is balanced");
  }

  @Test
  void mapsClassFoldersToTheGivenClassesByNameWhateverTheirOrder(@TempDir Path dir)
      throws Exception {
    // Folders sorted alphabetically (circle, square) against classes in another order.
    List<String> classes = List.of("square", "triangle", "circle");
    for (String name : List.of("circle", "square")) {
      Path d = Files.createDirectories(dir.resolve(name));
      Files.write(d.resolve("a.png"), ShapeGenerator.sample(4, name.length()).png());
    }
    LabeledImages images = LabeledImages.folder(dir, classes);
    assertEquals(classes, images.classes());
    Set<Integer> labels = new HashSet<>();
    for (int l : images.labels()) {
      labels.add(l);
    }
    assertEquals(Set.of(0, 2), labels, "circle is class 2, square class 0");
  }

  @Test
  void acceptsAFolderNamedForAClassWhoseNameHoldsASlash(@TempDir Path dir) throws Exception {
    for (String name : List.of("T-shirt-top", "Trouser")) {
      Path d = Files.createDirectories(dir.resolve(name));
      Files.write(d.resolve("x.png"), ShapeGenerator.sample(1, 1).png());
    }
    LabeledImages images = LabeledImages.folder(dir, LabeledImages.FASHION_MNIST_CLASSES);
    assertEquals(2, images.size());
  }

  @Test
  void refusesFoldersThatNameNoClassListingThem(@TempDir Path dir) throws Exception {
    for (String name : List.of("circle", "hexagon", "blob")) {
      Path d = Files.createDirectories(dir.resolve(name));
      Files.write(d.resolve("x.png"), ShapeGenerator.sample(1, 1).png());
    }
    IOException e =
        assertThrows(
            IOException.class, () -> LabeledImages.folder(dir, List.of("circle", "square")));
    assertTrue(e.getMessage().contains("[blob, hexagon]"), e.getMessage());
  }
}
