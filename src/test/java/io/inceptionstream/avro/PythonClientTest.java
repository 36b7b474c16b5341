package io.inceptionstream.avro;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inceptionstream.testing.PythonClients;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Python client (clients/python/inception_stream.py) against Avro Java: its own Parsing
 * Canonical Form and CRC-64-AVRO, for every schema file, and its unit tests, run with {@code
 * /usr/bin/python3}.
 */
class PythonClientTest {

  @Test
  void computesTheCanonicalFormAndFingerprintAvroJavaDoesForEverySchemaFile(@TempDir Path dir)
      throws Exception {
    PythonClients.assumeAvailable();
    List<String> files = SchemaFilesTest.filesOnDisk();
    List<String> args =
        new ArrayList<>(List.of("clients/python/inception_stream.py", "fingerprint"));
    args.addAll(files);
    PythonClients.Result r =
        PythonClients.run(dir, "fingerprint", Duration.ofSeconds(60), args.toArray(String[]::new));
    assertEquals(0, r.code(), r.err());
    Map<String, String[]> python = new LinkedHashMap<>();
    for (String line : r.out().strip().split("\n")) {
      String[] parts = line.split(" ", 3); // fingerprint, path, canonical form
      python.put(parts[1], parts);
    }
    assertEquals(files, List.copyOf(python.keySet()), r.out());
    for (String file : files) {
      Schema alone = new Schema.Parser().parse(Path.of(file).toFile());
      assertEquals(SchemaNormalization.toParsingForm(alone), python.get(file)[2], file);
      assertEquals(WireFormat.fingerprint(alone), python.get(file)[0], file);
    }
  }

  @Test
  void thePythonUnitTestsPass(@TempDir Path dir) throws Exception {
    PythonClients.assumeAvailable();
    PythonClients.Result r =
        PythonClients.run(
            dir,
            "unittest",
            Duration.ofMinutes(2),
            "-m",
            "unittest",
            "discover",
            "-v",
            "-s",
            "clients/python/tests",
            "-p",
            "test_*.py");
    // unittest reports on stderr.
    assertEquals(0, r.code(), r.err());
    Matcher ran = Pattern.compile("Ran (\\d+) tests?").matcher(r.err());
    assertTrue(ran.find(), r.err());
    assertTrue(Integer.parseInt(ran.group(1)) >= 17, "all the Python tests were found: " + r.err());
    assertTrue(r.err().strip().endsWith("OK"), r.err());
  }

  @Test
  void theReadmeShowsTheExampleTheIntegrationTestRuns() throws Exception {
    String example =
        Files.readString(Path.of("clients", "python", "example.py"), StandardCharsets.UTF_8);
    String readme = Files.readString(Path.of("README.md"), StandardCharsets.UTF_8);
    assertTrue(
        readme.contains("```python\n" + example + "```\n"),
        "README.md's Python example must be clients/python/example.py verbatim");
  }
}
