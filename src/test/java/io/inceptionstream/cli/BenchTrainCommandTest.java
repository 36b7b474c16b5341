package io.inceptionstream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.inceptionstream.testing.Cli;
import org.junit.jupiter.api.Test;

/** {@code bench train}: both training paths measured in one run, their losses side by side. */
class BenchTrainCommandTest {

  @Test
  void reportsBothPathsAsFiguresTheirRatioAndAgreeingLossesAsJsonOnly() throws Exception {
    Cli.Run r =
        Cli.run(
            "bench",
            "train",
            "--batch-size",
            "2",
            "--steps",
            "1",
            "--runs",
            "5",
            "--warmup",
            "0",
            "--json");
    assertEquals(0, r.code(), r.err());
    JsonNode doc = new ObjectMapper().readTree(r.out());
    for (String path : new String[] {"compiled", "opByOp"}) {
      JsonNode f = doc.get("imagesPerSecond").get(path);
      assertTrue(f.get("min").asDouble() > 0, path + ": " + f);
      assertTrue(f.get("min").asDouble() <= f.get("median").asDouble(), path + ": " + f);
      assertTrue(f.get("median").asDouble() <= f.get("max").asDouble(), path + ": " + f);
    }
    assertTrue(doc.get("ratios").get("compiledVsOpByOp").get("median").asDouble() > 0);
    JsonNode loss = doc.get("lossOnTheSameBatch");
    assertTrue(loss.get("opByOp").asDouble() > 0, loss.toString());
    // Dropout in the auxiliary heads draws different masks on the two paths; the main head and
    // the heads' inputs are the same, so the losses differ only by that noise.
    assertTrue(loss.get("relativeDifference").asDouble() < 0.2, loss.toString());
  }

  @Test
  void refusesTooFewRunsNamingTheOption() {
    Cli.Run r = Cli.run("bench", "train", "--runs", "2");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("--runs"), r.err());
  }
}
