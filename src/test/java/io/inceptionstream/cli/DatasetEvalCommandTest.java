package io.inceptionstream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.inceptionstream.testing.Cli;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a new user does first: make a data set, then evaluate the shipped model on it. */
class DatasetEvalCommandTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void theShapesModelEvaluatesTheOutputOfDatasetShapes() throws Exception {
    Path data = dir.resolve("shapes");
    Cli.Run made = Cli.run("dataset", "shapes", "--out", data.toString(), "--per-class", "6");
    assertEquals(0, made.code(), made.err());
    Cli.Run eval =
        Cli.run("eval", "--model", "models/googlenet-shapes", "--data", data.toString(), "--json");
    assertEquals(0, eval.code(), eval.err());
    JsonNode doc = JSON.readTree(eval.out());
    assertEquals(60, doc.get("images").asInt());
    assertTrue(doc.get("accuracy").asDouble() >= 0.9, eval.out());
  }

  @Test
  void aFolderWithOnlySomeClassesInAnotherOrderIsMappedByName() throws Exception {
    Path data = dir.resolve("shapes");
    assertEquals(
        0, Cli.run("dataset", "shapes", "--out", data.toString(), "--per-class", "4").code());
    // Keep three classes whose alphabetical order differs from the model's label order.
    try (Stream<Path> classes = Files.list(data)) {
      for (Path c : classes.toList()) {
        if (!List.of("star", "circle", "heart").contains(c.getFileName().toString())) {
          try (Stream<Path> files = Files.walk(c)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
          }
        }
      }
    }
    Cli.Run eval =
        Cli.run("eval", "--model", "models/googlenet-shapes", "--data", data.toString(), "--json");
    assertEquals(0, eval.code(), eval.err());
    assertTrue(JSON.readTree(eval.out()).get("accuracy").asDouble() >= 0.9, eval.out());
  }

  @Test
  void aFolderNamingNoLabelOfTheModelIsRefusedByName() throws Exception {
    Path data = dir.resolve("odd");
    Files.createDirectories(data.resolve("circle"));
    Files.createDirectories(data.resolve("pentagon"));
    Cli.Run eval = Cli.run("eval", "--model", "models/googlenet-shapes", "--data", data.toString());
    assertEquals(1, eval.code());
    assertTrue(eval.err().contains("[pentagon]"), eval.err());
  }

  @Test
  void datasetIdxExportsClassFoldersWithFolderSafeNames() throws Exception {
    Path idx = Files.createDirectories(dir.resolve("idx"));
    int n = 20;
    byte[] pixels = new byte[n * 784];
    new SplittableRandom(3).nextBytes(pixels);
    byte[] labels = new byte[n];
    for (int i = 0; i < n; i++) {
      labels[i] = (byte) (i % 10);
    }
    write(idx.resolve("t10k-images-idx3-ubyte"), 0x0803, new int[] {n, 28, 28}, pixels);
    write(idx.resolve("t10k-labels-idx1-ubyte"), 0x0801, new int[] {n}, labels);
    Path out = dir.resolve("png");
    Cli.Run r =
        Cli.run("dataset", "idx", "--in", idx.toString(), "--out", out.toString(), "--json");
    assertEquals(0, r.code(), r.err());
    assertEquals(20, JSON.readTree(r.out()).get("images").asInt());
    assertTrue(Files.isDirectory(out.resolve("T-shirt-top")));
    try (Stream<Path> files = Files.list(out.resolve("Ankle boot"))) {
      assertEquals(2, files.count());
    }
  }

  @Test
  void aMissingDefaultIdxSetNamesTheDebianPackage() {
    org.junit.jupiter.api.Assumptions.assumeFalse(
        Files.isDirectory(Path.of("/usr/share/datasets/fashion-mnist")), "it is installed here");
    Cli.Run r = Cli.run("eval", "--model", "models/googlenet-shapes", "--idx");
    assertEquals(1, r.code());
    assertTrue(r.err().contains("dataset-fashion-mnist"), r.err());
  }

  private static void write(Path file, int magic, int[] dims, byte[] data) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(magic);
      for (int d : dims) {
        out.writeInt(d);
      }
      out.write(data);
    }
    Files.write(file, bytes.toByteArray());
  }
}
