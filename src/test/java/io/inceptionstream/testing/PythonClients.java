package io.inceptionstream.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Test helper: runs the Python client (clients/python) with Debian's {@code /usr/bin/python3}, as a
 * child process of the test. Where that interpreter lacks the packages, tests skip, except under
 * {@code CI=true}, where they fail (CI installs the packages). Used from the test thread.
 */
public final class PythonClients {

  /**
   * The interpreter the Debian packages install into (a pyenv python3 on PATH does not see them).
   */
  public static final Path PYTHON = Path.of("/usr/bin/python3");

  /** The Debian packages the client needs. */
  public static final String PACKAGES = "python3-confluent-kafka python3-avro";

  /** The client's directory, put on PYTHONPATH. */
  public static final Path CLIENT = Path.of("clients", "python").toAbsolutePath();

  private static String missing;

  /**
   * A finished Python process.
   *
   * @param code exit code
   * @param out standard output
   * @param err standard error
   */
  public record Result(int code, String out, String err) {}

  private PythonClients() {}

  /**
   * Skips the calling test (fails it where {@code CI=true}) unless {@link #PYTHON} imports
   * confluent_kafka and avro.
   */
  public static void assumeAvailable() throws Exception {
    String why = missing();
    if (why.isEmpty()) {
      return;
    }
    String message =
        PYTHON
            + " cannot run the Python client ("
            + why
            + "): install "
            + PACKAGES
            + " with apt-get";
    if ("true".equals(System.getenv("CI"))) {
      fail("CI=true, so the Python client must be tested: " + message);
    }
    Assumptions.abort(message);
  }

  private static synchronized String missing() throws Exception {
    if (missing == null) {
      if (!Files.isExecutable(PYTHON)) {
        missing = PYTHON + " not found";
      } else {
        Path dir = Files.createTempDirectory("python-check");
        try {
          Result r =
              run(
                  dir,
                  "check",
                  Duration.ofSeconds(60),
                  "-c",
                  "import confluent_kafka, avro.schema, avro.io");
          String[] lines = r.err().strip().split("\n");
          missing = r.code() == 0 ? "" : lines[lines.length - 1]; // "No module named ..."
        } finally {
          for (String f : List.of("check.out", "check.err")) {
            Files.deleteIfExists(dir.resolve(f));
          }
          Files.delete(dir);
        }
      }
    }
    return missing;
  }

  /**
   * Runs {@code /usr/bin/python3 ARGS} in the project directory, output to {@code dir/NAME.out} and
   * {@code .err}, killing it after {@code timeout}.
   */
  public static Result run(Path dir, String name, Duration timeout, String... args)
      throws Exception {
    List<String> cmd = new ArrayList<>(List.of(PYTHON.toString(), "-B"));
    cmd.addAll(List.of(args));
    Files.createDirectories(dir);
    Path out = dir.resolve(name + ".out");
    Path err = dir.resolve(name + ".err");
    ProcessBuilder pb =
        new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
    Map<String, String> env = pb.environment();
    env.put("PYTHONPATH", CLIENT.toString());
    env.put("PYTHONDONTWRITEBYTECODE", "1");
    env.put("PYTHONUNBUFFERED", "1");
    Process p = pb.start();
    if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      throw new IllegalStateException(
          String.join(" ", cmd)
              + " did not finish within "
              + timeout
              + "; stdout:\n"
              + read(out)
              + "\nstderr:\n"
              + read(err));
    }
    return new Result(p.exitValue(), read(out), read(err));
  }

  private static String read(Path file) throws IOException {
    return Files.readString(file, StandardCharsets.UTF_8);
  }
}
