package io.inceptionstream.faults;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/reliability.md carries the table the fault suite generates, for every scenario it runs. */
class FaultDocsTest {

  private static final Path DOC = Path.of("docs", "reliability.md");

  @Test
  void theReliabilityDocCarriesAGeneratedRowForEveryScenario() throws Exception {
    Path json = Path.of("target", "fault-report.json");
    if (Boolean.getBoolean("faults.docs.update") && Files.exists(json)) {
      // Re-renders the last run's figures, e.g. after a change to the table's layout.
      FaultReport.read(json).updateDoc(DOC);
    }
    String doc = Files.readString(DOC, StandardCharsets.UTF_8);
    int start = doc.indexOf(FaultReport.START);
    int end = doc.indexOf(FaultReport.END);
    assertTrue(start >= 0 && end > start, DOC + " lacks the generated table's markers");
    assertTrue(doc.contains(FaultReport.COMMAND), DOC + " states the command that regenerates it");
    String table = doc.substring(start, end);
    for (FaultSuiteTest.Scenario s : FaultSuiteTest.scenarios()) {
      assertTrue(
          table.contains("| " + s.name() + " | "),
          s.name() + " has no row in " + DOC + "; regenerate it with: " + FaultReport.COMMAND);
    }
  }
}
