package io.inceptionstream.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.inceptionstream.inference.RunnerOptions;
import io.inceptionstream.model.ModelDirectory;
import io.inceptionstream.testing.Cli;
import io.inceptionstream.testing.NoLeaksExtension;
import io.inceptionstream.testing.TestModels;
import io.inceptionstream.train.Evaluation;
import io.inceptionstream.train.FashionMnistTestSet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The one-command demo, as a new user runs it, with the shipped models. */
@ExtendWith(NoLeaksExtension.class)
class DemoCommandIntegrationTest {

  @Test
  void theWorkerScoresRealFashionMnistTestImagesThroughTheBrokerAsEvalDoes() throws Exception {
    int n = FashionMnistTestSet.SHIPPED;
    long tmpBefore = demoDirs();
    Cli.Run r = Cli.run("demo", "--images", Integer.toString(n), "--json");
    assertEquals(0, r.code(), r.err());
    JsonNode s = new ObjectMapper().readTree(r.out());
    assertTrue(s.get("model").asText().startsWith("googlenet-fashion"), s.toString());
    assertTrue(s.get("data").asText().contains("Fashion-MNIST"), s.toString());
    assertEquals(n, s.get("images").asInt());
    assertEquals(n, s.get("predictions").asInt());
    assertEquals(0, s.get("deadLetters").asInt());
    JsonNode latency = s.get("latencyMs");
    assertTrue(
        latency.get("p50").asLong() <= latency.get("p95").asLong()
            && latency.get("p95").asLong() <= latency.get("p99").asLong());
    assertEquals(tmpBefore, demoDirs(), "the demo removed its temporary files");

    // The same images through the serving path without Kafka: PNG bytes through the broker and
    // the worker's decoder give the model the same pixels, so the same answers (two of 1,000 may
    // flip where batch composition changes the last bits of a near-tie).
    Evaluation.Result offline =
        Evaluation.evaluate(
            ModelDirectory.open(TestModels.fashion()),
            FashionMnistTestSet.first(n).labeled(),
            RunnerOptions.classifyOnly(),
            "cpu",
            64);
    double accuracy = s.get("accuracy").asDouble();
    assertEquals(offline.accuracy(), accuracy, 0.0025, "worker vs eval accuracy");
    assertTrue(accuracy >= 0.85, "accuracy " + accuracy);
  }

  @Test
  void withShapesTheDemoClassifiesHeldOutShapesWithTheShapesModel() throws Exception {
    Cli.Run r = Cli.run("demo", "--shapes", "--images", "60", "--json");
    assertEquals(0, r.code(), r.err());
    JsonNode s = new ObjectMapper().readTree(r.out());
    assertTrue(s.get("model").asText().startsWith("googlenet-shapes"), s.toString());
    assertEquals(60, s.get("predictions").asInt());
    assertTrue(s.get("accuracy").asDouble() >= 0.95, "accuracy " + s.get("accuracy"));
  }

  private static long demoDirs() throws Exception {
    try (Stream<Path> s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      return s.filter(p -> p.getFileName().toString().startsWith("inception-demo")).count();
    }
  }
}
