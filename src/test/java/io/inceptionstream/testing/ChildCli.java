package io.inceptionstream.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Test helper: runs {@code inception-stream} commands as separate processes, like a user's shell.
 */
public final class ChildCli {

  /**
   * A finished command.
   *
   * @param code exit code
   * @param out standard output
   * @param err standard error
   */
  public record Result(int code, String out, String err) {}

  private ChildCli() {}

  /** Starts a command; its output goes to files in {@code dir}. */
  public static Process start(Path dir, String name, String... args) throws IOException {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-cp",
                System.getProperty("java.class.path"),
                "io.inceptionstream.cli.Main"));
    cmd.addAll(List.of(args));
    Files.createDirectories(dir);
    return new ProcessBuilder(cmd)
        .redirectOutput(dir.resolve(name + ".out").toFile())
        .redirectError(dir.resolve(name + ".err").toFile())
        .start();
  }

  /** Waits for a started command and collects its output. */
  public static Result await(Process p, Path dir, String name, Duration timeout) throws Exception {
    if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      throw new IllegalStateException(
          name
              + " did not finish within "
              + timeout
              + ": "
              + Files.readString(dir.resolve(name + ".err")));
    }
    return new Result(
        p.exitValue(),
        Files.readString(dir.resolve(name + ".out"), StandardCharsets.UTF_8),
        Files.readString(dir.resolve(name + ".err"), StandardCharsets.UTF_8));
  }

  /** Runs a command to completion. */
  public static Result run(Path dir, String name, Duration timeout, String... args)
      throws Exception {
    return await(start(dir, name, args), dir, name, timeout);
  }
}
