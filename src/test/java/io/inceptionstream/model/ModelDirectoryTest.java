package io.inceptionstream.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inceptionstream.testing.Engines;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelDirectoryTest {

  @TempDir Path tmp;

  @BeforeAll
  static void engine() {
    Engines.ready();
  }

  private Path create(String name, int classes, long seed) throws IOException {
    Path dir = tmp.resolve(name);
    ModelInitializer.create(
        dir, classes, seed, ModelInitializer.defaultLabels(classes), "test", "1.0.0", "MXNet");
    return dir;
  }

  private static InvalidModelException loadFails(Path dir) {
    return assertThrows(
        InvalidModelException.class,
        () -> {
          ModelDirectory d = ModelDirectory.open(dir);
          try (NDManager m = NDManager.newBaseManager(Device.cpu(), "MXNet")) {
            d.loadParameters(d.newNetwork(List.of()), m);
          }
        });
  }

  private static void assertMessage(Exception e, String... parts) {
    for (String p : parts) {
      assertTrue(e.getMessage().contains(p), "'" + e.getMessage() + "' should mention '" + p + "'");
    }
  }

  @Test
  void writesAndReadsBackEverything() throws Exception {
    Path dir = create("ok", 10, 1);
    ModelDirectory d = ModelDirectory.open(dir);
    assertEquals(10, d.metadata().classes());
    assertEquals(10, d.labels().size());
    assertEquals(6_166_250L, d.metadata().trainableParameters());
    assertEquals(ModelDirectory.sha256(d.parametersPath()), d.metadata().parametersSha256());
    assertEquals(1L, ((Number) d.metadata().provenance().get("seed")).longValue());
    try (NDManager m = NDManager.newBaseManager(Device.cpu(), "MXNet")) {
      d.loadParameters(d.newNetwork(List.of()), m);
    }
  }

  @Test
  void savingAndLoadingGivesIdenticalOutputs() throws Exception {
    float[] input = new float[2 * 3 * 32 * 32];
    java.util.SplittableRandom r = new java.util.SplittableRandom(3);
    for (int i = 0; i < input.length; i++) {
      input[i] = (float) r.nextGaussian();
    }
    float[] before;
    Path dir = tmp.resolve("saved");
    try (NDManager m = NDManager.newBaseManager(Device.cpu(), "MXNet")) {
      GoogLeNet net = new GoogLeNet(10, List.of());
      net.initialize(m, ai.djl.ndarray.types.DataType.FLOAT32, GoogLeNet.inputShape(1));
      SeededInitializer.initialize(net, 21);
      // Non-trivial BatchNorm statistics, so they must survive the round trip too.
      for (var p : net.getParameters()) {
        if (p.getValue().getType() == ai.djl.nn.Parameter.Type.RUNNING_VAR) {
          p.getValue().getArray().addi(0.5f);
        }
      }
      before =
          net.forward(
                  new ai.djl.training.ParameterStore(m, false),
                  new ai.djl.ndarray.NDList(m.create(input, GoogLeNet.inputShape(2))),
                  false)
              .get(0)
              .toFloatArray();
      ModelDirectory.write(
          dir,
          net,
          10,
          ModelInitializer.defaultLabels(10),
          "rt",
          "1",
          ModelMetadata.CIFAR_MEAN,
          ModelMetadata.CIFAR_STD,
          java.util.Map.of());
    }
    ModelDirectory loaded = ModelDirectory.open(dir);
    try (io.inceptionstream.inference.InferenceRunner runner =
        new io.inceptionstream.inference.InferenceRunner(
            loaded,
            new io.inceptionstream.inference.RunnerOptions(List.of(), false, "mxnet", false),
            "cpu")) {
      org.junit.jupiter.api.Assertions.assertArrayEquals(
          before, runner.forward(input, 2).logits(), 0f);
    }
  }

  @Test
  void theSameSeedGivesTheSameParameters() throws Exception {
    String a = ModelDirectory.open(create("a", 10, 9)).metadata().parametersSha256();
    String b = ModelDirectory.open(create("b", 10, 9)).metadata().parametersSha256();
    String c = ModelDirectory.open(create("c", 10, 10)).metadata().parametersSha256();
    assertEquals(a, b);
    assertTrue(!a.equals(c));
  }

  @Test
  void refusesAMissingDirectory() {
    assertMessage(loadFails(tmp.resolve("nope")), "does not exist");
  }

  @Test
  void refusesMissingFiles() throws Exception {
    for (String file :
        List.of(
            ModelDirectory.METADATA_FILE,
            ModelDirectory.LABELS_FILE,
            ModelDirectory.PARAMETERS_FILE)) {
      Path dir = create("missing-" + file, 10, 1);
      Files.delete(dir.resolve(file));
      assertMessage(loadFails(dir), file);
    }
  }

  @Test
  void refusesATruncatedParameterFile() throws Exception {
    Path dir = create("truncated", 10, 1);
    Path params = dir.resolve(ModelDirectory.PARAMETERS_FILE);
    byte[] bytes = Files.readAllBytes(params);
    Files.write(params, java.util.Arrays.copyOf(bytes, bytes.length / 2));
    assertMessage(loadFails(dir), "truncated", ModelDirectory.PARAMETERS_FILE);
  }

  @Test
  void refusesACorruptParameterFile() throws Exception {
    Path dir = create("corrupt", 10, 1);
    Path params = dir.resolve(ModelDirectory.PARAMETERS_FILE);
    byte[] bytes = Files.readAllBytes(params);
    bytes[bytes.length - 10] ^= 0x5A;
    Files.write(params, bytes);
    assertMessage(loadFails(dir), "SHA-256", "corrupt");
  }

  @Test
  void refusesLabelsThatDoNotMatchTheClassCount() throws Exception {
    Path dir = create("labels", 10, 1);
    Files.writeString(dir.resolve(ModelDirectory.LABELS_FILE), "a\nb\nc\n");
    assertMessage(loadFails(dir), "3 labels", "10 classes");
  }

  @Test
  void refusesParametersForAnotherClassCount() throws Exception {
    // Parameters of a 100-class network beside 10 labels, with matching checksum and size.
    Path dir = create("ten", 10, 1);
    Path hundred = create("hundred", 100, 1);
    Files.copy(
        hundred.resolve(ModelDirectory.PARAMETERS_FILE),
        dir.resolve(ModelDirectory.PARAMETERS_FILE),
        StandardCopyOption.REPLACE_EXISTING);
    rewriteMetadata(
        dir,
        node -> {
          try {
            node.put(
                "parametersSha256",
                ModelDirectory.sha256(dir.resolve(ModelDirectory.PARAMETERS_FILE)));
            node.put("parametersBytes", Files.size(dir.resolve(ModelDirectory.PARAMETERS_FILE)));
          } catch (IOException e) {
            throw new IllegalStateException(e);
          }
        });
    assertMessage(loadFails(dir), "fc_", "(100, 1024)", "(10, 1024)", "another class count");
  }

  @Test
  void refusesInvalidMetadataNamingTheField() throws Exception {
    Path dir = create("meta", 10, 1);
    rewriteMetadata(dir, node -> node.put("architecture", "resnet"));
    assertMessage(loadFails(dir), "architecture", "resnet", ModelDirectory.METADATA_FILE);
    Files.writeString(dir.resolve(ModelDirectory.METADATA_FILE), "{not json");
    assertMessage(loadFails(dir), ModelDirectory.METADATA_FILE);
  }

  private static void rewriteMetadata(Path dir, java.util.function.Consumer<ObjectNode> change)
      throws IOException {
    ObjectMapper json = new ObjectMapper();
    Path file = dir.resolve(ModelDirectory.METADATA_FILE);
    ObjectNode node = (ObjectNode) json.readTree(file.toFile());
    change.accept(node);
    json.writeValue(file.toFile(), node);
  }
}
