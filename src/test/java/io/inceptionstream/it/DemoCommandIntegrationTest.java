package io.inceptionstream.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.inceptionstream.testing.Cli;
import io.inceptionstream.testing.NoLeaksExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The one-command demo, as a new user runs it, with the shipped model. */
@ExtendWith(NoLeaksExtension.class)
class DemoCommandIntegrationTest {

  @Test
  void demoClassifiesHeldOutShapesCorrectlyAndPrintsOnlyJson() throws Exception {
    long tmpBefore = demoDirs();
    Cli.Run r = Cli.run("demo", "--images", "60", "--json");
    assertEquals(0, r.code(), r.err());
    JsonNode s = new ObjectMapper().readTree(r.out());
    assertEquals(60, s.get("images").asInt());
    assertEquals(60, s.get("predictions").asInt());
    assertEquals(0, s.get("deadLetters").asInt());
    assertTrue(s.get("accuracy").asDouble() >= 0.95, "accuracy " + s.get("accuracy"));
    assertTrue(s.get("imagesPerSecond").asDouble() > 0);
    JsonNode latency = s.get("latencyMs");
    assertTrue(
        latency.get("p50").asLong() <= latency.get("p95").asLong()
            && latency.get("p95").asLong() <= latency.get("p99").asLong());
    assertEquals(tmpBefore, demoDirs(), "the demo removed its temporary files");
  }

  private static long demoDirs() throws Exception {
    try (Stream<Path> s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      return s.filter(p -> p.getFileName().toString().startsWith("inception-demo")).count();
    }
  }
}
