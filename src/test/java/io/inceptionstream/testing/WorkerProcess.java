package io.inceptionstream.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A worker in a child JVM ({@code inception-stream worker}), for crash and shutdown tests: it can
 * be killed with SIGKILL or stopped with SIGTERM like a real deployment. Output goes to a log file.
 */
public final class WorkerProcess implements AutoCloseable {

  private final Process process;
  private final Path log;
  private final int metricsPort;

  private WorkerProcess(Process process, Path log, int metricsPort) {
    this.process = process;
    this.log = log;
    this.metricsPort = metricsPort;
  }

  /** Starts {@code worker} with these configuration flags (as --set KEY=VALUE). */
  public static WorkerProcess start(Map<String, String> flags, Path logDir) throws IOException {
    return start(flags, logDir, "-Xmx1g");
  }

  /** {@link #start(Map, Path)} with these JVM options instead of the default {@code -Xmx1g}. */
  public static WorkerProcess start(Map<String, String> flags, Path logDir, String... jvmOptions)
      throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    List<String> cmd =
        new ArrayList<>(
            List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    cmd.addAll(List.of(jvmOptions));
    cmd.addAll(
        List.of(
            "-XX:+UseSerialGC",
            "-cp",
            System.getProperty("java.class.path"),
            "io.inceptionstream.cli.Main",
            "worker"));
    flags.forEach(
        (k, v) -> {
          if (!k.equals("metrics.port")) {
            cmd.add("--set");
            cmd.add(k + "=" + v);
          }
        });
    cmd.add("--set");
    cmd.add("metrics.port=" + port);
    Files.createDirectories(logDir);
    Path log = Files.createTempFile(logDir, "worker-", ".log");
    Process p =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    return new WorkerProcess(p, log, port);
  }

  /** Waits until /health/ready answers 200. */
  public WorkerProcess awaitReady(Duration timeout) throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "worker exited with " + process.exitValue() + ":\n" + tail());
      }
      try {
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + metricsPort + "/health/ready"))
                    .timeout(Duration.ofSeconds(2))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return this;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException("worker not ready within " + timeout + ":\n" + tail());
  }

  /** Waits until the log contains {@code text}. */
  public WorkerProcess awaitLog(String text, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (Files.readString(log).contains(text)) {
        return this;
      }
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "worker exited with " + process.exitValue() + ":\n" + tail());
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException("'" + text + "' not logged within " + timeout + ":\n" + tail());
  }

  /** The worker's Prometheus metrics text. */
  public String metrics() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    return http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/metrics"))
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  /**
   * One sample from /metrics by its Prometheus name (e.g. {@code
   * inception_stream_records_in_flight}), or NaN when the worker does not publish it.
   */
  public double sample(String name) throws Exception {
    for (String line : metrics().split("\n")) {
      if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return Double.NaN;
  }

  /** Whether the process is still running. */
  public boolean isAlive() {
    return process.isAlive();
  }

  /** Waits for the process to exit by itself and returns its exit code. */
  public int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException("worker still running after " + timeout + ":\n" + tail());
    }
    return process.exitValue();
  }

  /** SIGKILL, and waits for the process to be gone. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** SIGTERM, and returns the exit code (or throws if it does not exit in time). */
  public int terminate(Duration timeout) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException(
          "worker did not exit within " + timeout + " of SIGTERM:\n" + tail());
    }
    return process.exitValue();
  }

  /** Everything the worker printed so far, stdout and stderr together. */
  public String log() throws IOException {
    return Files.readString(log);
  }

  /** The last lines of the log. */
  public String tail() {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      try {
        kill();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
