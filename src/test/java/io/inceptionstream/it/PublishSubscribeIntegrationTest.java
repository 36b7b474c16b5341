package io.inceptionstream.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.inceptionstream.broker.Topics;
import io.inceptionstream.testing.ChildCli;
import io.inceptionstream.testing.ChildProcessKafka;
import io.inceptionstream.testing.NoLeaksExtension;
import io.inceptionstream.testing.TestModels;
import io.inceptionstream.testing.WorkerProcess;
import io.inceptionstream.testing.Workers;
import io.inceptionstream.train.ShapeGenerator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * publish, worker and subscribe as three separate processes against one broker, as a user runs
 * them.
 */
@ExtendWith(NoLeaksExtension.class)
class PublishSubscribeIntegrationTest {

  @Test
  void everyPublishedImageComesBackOnceWithItsLabel(@TempDir Path dir) throws Exception {
    int n = 20;
    try (ChildProcessKafka kafka = ChildProcessKafka.start(dir.resolve("kafka"))) {
      String b = kafka.bootstrapServers();
      Topics.create(
          b,
          List.of("images", "predictions", "embeddings", "images.dlq"),
          3,
          (short) 1,
          Duration.ofSeconds(60));
      Map<String, String> flags =
          Workers.baseFlags(b, TestModels.random(), "cli-group", "cli-worker");
      try (WorkerProcess worker = WorkerProcess.start(flags, dir.resolve("logs"))) {
        worker.awaitReady(Duration.ofMinutes(3));
        Process subscriber =
            ChildCli.start(
                dir,
                "subscribe",
                "subscribe",
                "--bootstrap-servers",
                b,
                "--from-beginning",
                "--embeddings",
                "--max",
                Integer.toString(n),
                "--timeout",
                "120s",
                "--format",
                "json");
        ChildCli.Result pub =
            ChildCli.run(
                dir,
                "publish",
                Duration.ofMinutes(2),
                "publish",
                "--bootstrap-servers",
                b,
                "--shapes",
                Integer.toString(n),
                "--seed",
                "31",
                "--json");
        assertEquals(0, pub.code(), pub.err());
        JsonNode summary = new ObjectMapper().readTree(pub.out());
        assertEquals(n, summary.get("sent").asInt());
        ChildCli.Result sub = ChildCli.await(subscriber, dir, "subscribe", Duration.ofMinutes(3));
        assertEquals(0, sub.code(), sub.err());
        Map<String, Integer> seen = new HashMap<>();
        for (String line : sub.out().strip().split("\n")) {
          JsonNode p = new ObjectMapper().readTree(line);
          seen.merge(p.get("id").asText(), 1, Integer::sum);
          assertTrue(ShapeGenerator.CLASSES.contains(p.get("label").asText()), line);
          String truth =
              ShapeGenerator.sample(31, Long.parseLong(p.get("attributes").get("index").asText()))
                  .className();
          assertEquals(
              truth,
              p.get("attributes").get("label").asText(),
              "the true label travels with the prediction");
          assertEquals(1024, p.get("embeddings").get("b5").get("dimension").asInt());
          assertTrue(p.get("latencyMs").asLong() >= 0);
        }
        assertEquals(n, seen.size(), "every published id came back");
        assertTrue(seen.values().stream().allMatch(c -> c == 1), "once each: " + seen);
        assertEquals(0, worker.terminate(Duration.ofSeconds(60)));
      }
    }
  }
}
