package io.inceptionstream.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.inceptionstream.broker.Topics;
import io.inceptionstream.model.ModelDirectory;
import io.inceptionstream.testing.ChildProcessKafka;
import io.inceptionstream.testing.NoLeaksExtension;
import io.inceptionstream.testing.PythonClients;
import io.inceptionstream.testing.TestModels;
import io.inceptionstream.testing.WorkerProcess;
import io.inceptionstream.testing.Workers;
import io.inceptionstream.train.ShapeGenerator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Python client against a real broker (child process) and a real worker (the shipped model):
 * good images come back as predictions and embeddings, poison ones as dead letters with their
 * reasons, all published and read in Python; then the README's example, configured by a
 * client.properties file.
 */
@ExtendWith(NoLeaksExtension.class)
class PythonClientIntegrationTest {

  private static final List<String> TAPS = List.of("b5", "a4.branch3");
  private static final Map<String, String> POISON =
      Map.of(
          "poison-garbage", "NOT_SINGLE_OBJECT",
          "poison-fingerprint", "UNKNOWN_SCHEMA",
          "poison-corrupt", "CORRUPT_IMAGE");

  @Test
  void aPythonProducerAndConsumerWorkWithARealWorker(@TempDir Path dir) throws Exception {
    PythonClients.assumeAvailable();
    // One held-out shape of each class (a seed the shipped model never saw), named INDEX-CLASS.
    Path good = Files.createDirectories(dir.resolve("good"));
    Map<String, String> truth = new TreeMap<>();
    for (int i = 0; i < ShapeGenerator.CLASSES.size(); i++) {
      ShapeGenerator.Sample s = ShapeGenerator.sample(424242, i);
      String id = String.format("%06d-%s", i, s.className());
      Files.write(good.resolve(id + ".png"), s.png());
      truth.put(id, s.className());
    }
    try (ChildProcessKafka kafka = ChildProcessKafka.start(dir.resolve("kafka"))) {
      String b = kafka.bootstrapServers();
      Topics.create(
          b,
          List.of("images", "predictions", "embeddings", "images.dlq"),
          2,
          (short) 1,
          Duration.ofSeconds(60));
      Map<String, String> flags =
          Workers.baseFlags(
              b, ModelDirectory.open(TestModels.shipped()), "python-group", "python-worker");
      flags.put("embedding.taps", String.join(",", TAPS));
      try (WorkerProcess worker = WorkerProcess.start(flags, dir.resolve("logs"))) {
        worker.awaitReady(Duration.ofMinutes(3));
        PythonClients.Result r =
            PythonClients.run(
                dir,
                "end-to-end",
                Duration.ofMinutes(5),
                "clients/python/tests/end_to_end.py",
                b,
                good.toString(),
                String.join(",", TAPS));
        assertEquals(0, r.code(), r.err() + "\nworker:\n" + worker.tail());
        checkEndToEnd(r.out(), truth);

        // The README's example, configured by a Java-style properties file.
        Path props = dir.resolve("client.properties");
        Files.writeString(
            props,
            "# the test broker\nbootstrap.servers = " + b + "\nclient.id=readme-example\n",
            StandardCharsets.UTF_8);
        String star = "000004-star", heart = "000009-heart";
        PythonClients.Result ex =
            PythonClients.run(
                dir,
                "example",
                Duration.ofMinutes(3),
                "clients/python/example.py",
                props.toString(),
                good.resolve(star + ".png").toString(),
                good.resolve(heart + ".png").toString());
        assertEquals(0, ex.code(), ex.err() + "\nworker:\n" + worker.tail());
        Set<String> lines = new TreeSet<>(List.of(ex.out().strip().split("\n")));
        assertEquals(2, lines.size(), ex.out());
        assertTrue(
            lines.stream().anyMatch(l -> l.matches(star + "\\.png star \\d\\.\\d{3}")), ex.out());
        assertTrue(
            lines.stream().anyMatch(l -> l.matches(heart + "\\.png heart \\d\\.\\d{3}")), ex.out());
        assertEquals(0, worker.terminate(Duration.ofSeconds(60)), worker.tail());
      }
    }
  }

  private static void checkEndToEnd(String out, Map<String, String> truth) throws Exception {
    ObjectMapper json = new ObjectMapper();
    Map<String, String> poisonSent = new HashMap<>();
    Map<String, JsonNode> predictions = new HashMap<>();
    Map<String, List<JsonNode>> embeddings = new HashMap<>();
    Map<String, JsonNode> deadLetters = new LinkedHashMap<>();
    List<String> goodSent = new ArrayList<>();
    JsonNode summary = null;
    for (String line : out.strip().split("\n")) {
      JsonNode n = json.readTree(line);
      if (n.has("sent")) {
        if (n.get("kind").asText().equals("poison")) {
          poisonSent.put(n.get("sent").asText(), n.get("value").asText());
        } else {
          goodSent.add(n.get("sent").asText());
        }
      } else if (n.has("acked")) {
        summary = n;
      } else {
        switch (n.get("kind").asText()) {
          case "Prediction" -> assertEquals(null, predictions.put(n.get("id").asText(), n), line);
          case "Embedding" ->
              embeddings.computeIfAbsent(n.get("id").asText(), k -> new ArrayList<>()).add(n);
          case "DeadLetter" -> deadLetters.put(n.get("key").asText(), n);
          default -> throw new AssertionError("unexpected output " + line);
        }
      }
    }
    assertTrue(summary != null && summary.get("complete").asBoolean(), out);
    assertEquals(truth.size(), summary.get("acked").asInt(), "the client's publish acknowledged");
    assertEquals(truth.keySet(), new TreeSet<>(goodSent));
    assertEquals(truth.keySet(), new TreeSet<>(predictions.keySet()), "a prediction for each");
    for (Map.Entry<String, String> t : truth.entrySet()) {
      JsonNode p = predictions.get(t.getKey());
      assertEquals(t.getValue(), p.get("label").asText(), "the shipped model knows shapes: " + p);
      assertEquals(t.getValue(), p.get("attributes").get("label").asText(), p.toString());
      assertEquals(t.getKey(), p.get("key").asText(), "keyed by id");
      assertEquals("predictions", p.get("topic").asText());
      assertEquals(5, p.get("topK").asInt());
      assertEquals("images", p.get("source").get("topic").asText());
      assertEquals("1.0.0", p.get("model-version").asText(), "the model-version header");
      Map<String, Integer> dims = new TreeMap<>();
      for (JsonNode e : embeddings.getOrDefault(t.getKey(), List.of())) {
        assertEquals(e.get("dimension").asInt(), e.get("length").asInt(), e.toString());
        dims.put(e.get("tap").asText(), e.get("dimension").asInt());
      }
      assertEquals(Map.of("a4.branch3", 48, "b5", 1024), dims, "embeddings of " + t.getKey());
    }
    assertEquals(POISON.keySet(), poisonSent.keySet());
    assertEquals(POISON.keySet(), deadLetters.keySet(), "a dead letter for each poison value");
    for (Map.Entry<String, String> e : POISON.entrySet()) {
      JsonNode d = deadLetters.get(e.getKey());
      assertEquals(e.getValue(), d.get("errorKind").asText(), d.toString());
      assertTrue(!d.get("errorMessage").asText().isBlank(), d.toString());
      assertEquals(poisonSent.get(e.getKey()), d.get("value").asText(), "the original bytes");
      assertEquals("images.dlq", d.get("topic").asText());
    }
    assertEquals(
        "poison-corrupt",
        deadLetters.get("poison-corrupt").get("id").asText(),
        "the id is kept when the value could be read");
  }
}
