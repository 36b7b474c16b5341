package io.inceptionstream.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FashionMnistTestSetTest {

  @Test
  void theJarShipsTheFirstThousandTestImagesWithTheirLabelsAndLicence(@TempDir Path none)
      throws Exception {
    FashionMnistTestSet set = FashionMnistTestSet.first(FashionMnistTestSet.SHIPPED, none);
    assertEquals(1000, set.size());
    assertEquals(28, set.images().rows());
    assertEquals(28, set.images().columns());
    assertTrue(set.source().contains("shipped"), set.source());
    int[] perClass = new int[10];
    for (int l : set.labels()) {
      perClass[l]++;
    }
    assertTrue(Arrays.stream(perClass).allMatch(c -> c >= 80), Arrays.toString(perClass));
    assertEquals("Ankle boot", set.className(0), "the official test set starts with an ankle boot");
    assertTrue(
        FashionMnistTestSet.shippedLicence().stream().anyMatch(l -> l.contains("Expat")),
        "the licence notice ships with the images");
    assertEquals(1000, set.labeled().size());
  }

  @Test
  void moreThanTheShippedImagesNeedTheDebianPackageAndTheMessageNamesIt(@TempDir Path none) {
    IOException e = assertThrows(IOException.class, () -> FashionMnistTestSet.first(1001, none));
    assertTrue(e.getMessage().contains("apt-get install dataset-fashion-mnist"), e.getMessage());
  }

  @Test
  void theShippedImagesAreTheOfficialTestSetsFirstThousand(@TempDir Path none) throws Exception {
    Path dir = LabeledImages.FASHION_MNIST_DIR;
    Assumptions.assumeTrue(Files.isDirectory(dir), "dataset-fashion-mnist is not installed");
    FashionMnistTestSet shipped = FashionMnistTestSet.first(1000, none);
    FashionMnistTestSet installed = FashionMnistTestSet.first(10_000, dir);
    assertEquals(10_000, installed.size());
    assertArrayEquals(
        Arrays.copyOf(installed.labels(), 1000), shipped.labels(), "same labels in order");
    assertArrayEquals(
        Arrays.copyOf(installed.images().pixels(), 1000 * 28 * 28),
        shipped.images().pixels(),
        "same pixels");
  }
}
