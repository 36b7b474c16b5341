package io.inceptionstream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class TopicsCommandTest {

  @Test
  void failsWithOneErrorLineNamingTheAddressWhenNoBrokerAnswers() throws Exception {
    String nowhere;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      nowhere = "127.0.0.1:" + s.getLocalPort();
    }
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = Main.commandLine();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));

    int code =
        cl.execute(
            "topics", "create", "--bootstrap-servers", nowhere, "--timeout", "1500ms", "images");

    assertEquals(1, code);
    assertEquals("", out.toString());
    String[] lines = err.toString().strip().split("\n");
    assertEquals(1, lines.length, err.toString());
    assertTrue(lines[0].startsWith("error: ") && lines[0].contains(nowhere), lines[0]);
  }

  @Test
  void parsesDurationsWithAUnitOrInIso8601() {
    assertEquals(Duration.ofSeconds(30), DurationConverter.parse("30s"));
    assertEquals(Duration.ofMillis(500), DurationConverter.parse("500ms"));
    assertEquals(Duration.ofMinutes(2), DurationConverter.parse("2m"));
    assertEquals(Duration.ofHours(1), DurationConverter.parse("1h"));
    assertEquals(Duration.ofSeconds(45), DurationConverter.parse("PT45S"));
  }

  @Test
  void rejectsADurationWithoutAUnitNamingTheValue() {
    CommandLine.TypeConversionException e =
        assertThrows(
            CommandLine.TypeConversionException.class, () -> DurationConverter.parse("30"));
    assertTrue(e.getMessage().startsWith("'30' is not a duration"), e.getMessage());
  }

  @Test
  void documentsTheDefaultOfEveryOption() {
    for (String command : new String[] {"broker", "topics create"}) {
      CommandLine sub = Main.commandLine();
      for (String name : command.split(" ")) {
        sub = sub.getSubcommands().get(name);
      }
      for (CommandLine.Model.OptionSpec o : sub.getCommandSpec().options()) {
        if (o.usageHelp() || o.versionHelp()) {
          continue;
        }
        String description = String.join(" ", o.description());
        assertTrue(
            description.contains("Default") || description.contains("default"),
            command + " " + o.longestName() + ": " + description);
      }
    }
  }
}
