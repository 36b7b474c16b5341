package io.inceptionstream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.inceptionstream.testing.Cli;
import org.junit.jupiter.api.Test;

/** {@code bench model}: the model's figures beside the machine's own speed in the same rounds. */
class BenchModelCommandTest {

  @Test
  void reportsEachBatchSizeAndTheMachineReferenceAsFiguresInJsonOnly() throws Exception {
    Cli.Run r =
        Cli.run("bench", "model", "--batch-sizes", "1", "--runs", "5", "--warmup", "0", "--json");
    assertEquals(0, r.code(), r.err());
    JsonNode doc = new ObjectMapper().readTree(r.out());
    JsonNode batch = doc.get("results").get(0);
    assertEquals(1, batch.get("batchSize").asInt());
    assertEquals(5, batch.get("perRun").size());
    assertOrdered(batch.get("imagesPerSecond"));
    assertOrdered(doc.get("machineReference").get("gflopsPerSecond"));
    assertTrue(r.err().contains("machine"), "progress lines name the machine's figure: " + r.err());
  }

  private static void assertOrdered(JsonNode f) {
    assertTrue(f.get("min").asDouble() > 0, f.toString());
    assertTrue(f.get("min").asDouble() <= f.get("median").asDouble(), f.toString());
    assertTrue(f.get("median").asDouble() <= f.get("max").asDouble(), f.toString());
  }
}
