package io.inceptionstream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.inceptionstream.testing.Cli;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Every command follows the same conventions: --help, documented defaults, clear errors, clean
 * --json.
 */
class CommandLineConventionsTest {

  private static List<CommandLine> allCommands() {
    List<CommandLine> all = new ArrayList<>();
    collect(Main.commandLine(), all);
    return all;
  }

  private static void collect(CommandLine cl, List<CommandLine> into) {
    into.add(cl);
    cl.getSubcommands().values().stream().distinct().forEach(c -> collect(c, into));
  }

  @Test
  void everyCommandHasHelpThatExitsZero() {
    for (CommandLine cl : allCommands()) {
      CommandSpec spec = cl.getCommandSpec();
      if (spec.name().equals("help")) {
        continue;
      }
      List<String> path = new ArrayList<>();
      for (CommandSpec s = spec; s.parent() != null; s = s.parent()) {
        path.add(0, s.name());
      }
      path.add("--help");
      Cli.Run r = Cli.run(path.toArray(String[]::new));
      assertEquals(0, r.code(), String.join(" ", path) + "\n" + r.err());
      assertTrue(r.out().contains("Usage:"), String.join(" ", path));
    }
  }

  @Test
  void everyOptionWithADefaultSaysWhatItIs() {
    for (CommandLine cl : allCommands()) {
      for (OptionSpec o : cl.getCommandSpec().options()) {
        boolean flag = o.type() == boolean.class || o.type() == Boolean.class;
        if (o.usageHelp() || o.versionHelp() || flag || o.defaultValue() == null) {
          continue;
        }
        String doc = String.join(" ", o.description());
        assertTrue(
            doc.contains("Default"),
            cl.getCommandSpec().qualifiedName()
                + " "
                + o.longestName()
                + " does not state its default: "
                + doc);
      }
    }
  }

  @Test
  void unknownFlagsAreRejectedWithAMessageAndExitCodeTwo() {
    Cli.Run r = Cli.run("model", "info", "--no-such-flag");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("Unknown option: '--no-such-flag'"), r.err());
    Cli.Run bad = Cli.run("bench", "model", "--batch-sizes", "0");
    assertEquals(2, bad.code());
    assertTrue(bad.err().contains("--batch-sizes"), bad.err());
  }

  @Test
  void aMissingModelDirectoryIsAClearError(@TempDir Path tmp) {
    Cli.Run r = Cli.run("model", "info", "--model", tmp.resolve("nothing-here").toString());
    assertEquals(1, r.code());
    assertTrue(
        r.err().startsWith("error: ")
            && r.err().contains("nothing-here")
            && r.err().contains("does not exist"),
        r.err());
    assertEquals("", r.out());
  }

  @Test
  void anUnreachableBrokerIsReportedWithinTheTimeout() throws Exception {
    String nowhere;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      nowhere = "127.0.0.1:" + s.getLocalPort();
    }
    long start = System.nanoTime();
    Cli.Run pub =
        Cli.run("publish", "--bootstrap-servers", nowhere, "--timeout", "2s", "--shapes", "3");
    Cli.Run sub =
        Cli.run(
            "subscribe", "--bootstrap-servers", nowhere, "--connect-timeout", "2s", "--max", "1");
    double secs = (System.nanoTime() - start) / 1e9;
    assertEquals(1, pub.code(), pub.err());
    assertEquals(1, sub.code(), sub.err());
    assertTrue(sub.err().contains("error: ") && sub.err().contains("predictions"), sub.err());
    assertTrue(secs < 60, "both gave up in " + secs + " s");
  }

  @Test
  void modelInfoJsonPutsOnlyJsonOnStdoutWithTheSeedsCounts() throws Exception {
    Cli.Run r = Cli.run("model", "info", "--json");
    assertEquals(0, r.code(), r.err());
    JsonNode doc = new ObjectMapper().readTree(r.out());
    assertEquals(6_166_250L, doc.get("trainableParameters").asLong());
    assertEquals(1_521_756_160L, doc.get("macs").asLong());
    assertEquals(9, doc.get("inceptionComparison").size());
  }

  @Test
  void modelPredictClassifiesGoodFilesAndNamesTheBadOne(@TempDir Path tmp) throws Exception {
    Path modelDir = tmp.resolve("m");
    assertEquals(
        0, Cli.run("model", "init", "--out", modelDir.toString(), "--classes", "10").code());
    Path good = tmp.resolve("good.png");
    Files.write(good, io.inceptionstream.train.ShapeGenerator.sample(1, 2).png());
    Path bad = tmp.resolve("bad.png");
    Files.writeString(bad, "not an image");
    Cli.Run r =
        Cli.run(
            "model",
            "predict",
            "--model",
            modelDir.toString(),
            "--json",
            "--top-k",
            "2",
            good.toString(),
            bad.toString());
    assertEquals(1, r.code(), "one file failed");
    JsonNode doc = new ObjectMapper().readTree(r.out());
    assertEquals(1, doc.get("predictions").size());
    assertEquals(good.toString(), doc.get("predictions").get(0).get("file").asText());
    assertEquals(2, doc.get("predictions").get(0).get("topK").size());
    assertEquals(bad.toString(), doc.get("errors").get(0).get("file").asText());
    assertEquals("UNSUPPORTED_FORMAT", doc.get("errors").get(0).get("error").asText());
  }
}
