package io.inceptionstream.broker;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A broker in a child JVM ({@link BrokerMain}), for tests and the demo that need to kill it hard
 * and bring it back on the same port and data directory. The child gets this JVM's class path
 * (under Maven Surefire a booter jar whose manifest lists the real jars, which {@code java -cp}
 * follows; under {@code java -jar} the fat jar), a small heap and the C1 compiler only, which
 * starts it in a few seconds. It watches this JVM's pid and stops by itself when this JVM is gone.
 * Its stderr is appended to {@link #logFile()}; its stdout carries only the ready line.
 *
 * <p>Thread-safe: every method synchronizes on the instance.
 */
public final class BrokerProcess implements AutoCloseable {

  /** How long {@link #start} and {@link #restart} wait for the child's ready line. */
  static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

  /** How long {@link #close} waits after SIGTERM before it sends SIGKILL. */
  static final Duration STOP_TIMEOUT = Duration.ofSeconds(15);

  /** Name of the child's log file in the data directory. */
  static final String LOG_FILE = "broker-process.log";

  private static final int LOG_TAIL_LINES = 30;

  private final Path dataDir;
  private final boolean temporary;
  private final int port;
  private final List<String> unexpectedOutput = new ArrayList<>();
  private Process process;
  private boolean closed;

  private BrokerProcess(Path dataDir, boolean temporary, int port) {
    this.dataDir = dataDir;
    this.temporary = temporary;
    this.port = port;
  }

  /**
   * Starts a child broker and returns once it has printed its ready line.
   *
   * @param dataDir data directory, created if missing; null means a temporary one deleted on {@link
   *     #close()} (kept across {@link #kill()} and {@link #restart()})
   * @param port client port on 127.0.0.1; 0 means the port saved in {@code dataDir} by an earlier
   *     broker, or else a free one; either way it is kept for restarts
   * @throws BrokerException if the child exits or is not ready within a minute; the message holds
   *     the tail of its log
   */
  public static BrokerProcess start(Path dataDir, int port) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException(
          "Invalid value " + port + " for port: must be 0 (any free port) or from 1 to 65535");
    }
    boolean temporary = dataDir == null;
    Path dir = EmbeddedBroker.dataDirectory(dataDir);
    // Port 0: the port an earlier broker on this directory used, else a free one; kept from now on.
    BrokerProcess broker =
        new BrokerProcess(dir, temporary, ListenerPorts.resolve(dir, port).port());
    try {
      broker.launch();
    } catch (RuntimeException e) {
      broker.close();
      throw e;
    }
    return broker;
  }

  /** {@code 127.0.0.1:PORT}; the same after {@link #restart()}. */
  public String bootstrapServers() {
    return "127.0.0.1:" + port;
  }

  /** The client port. */
  public int port() {
    return port;
  }

  /** The data directory. */
  public Path dataDir() {
    return dataDir;
  }

  /** The child's log (its stderr), appended to by every start. */
  public Path logFile() {
    return dataDir.resolve(LOG_FILE);
  }

  /** The pid of the current child process. */
  public synchronized long pid() {
    if (process == null) {
      throw new IllegalStateException(
          "Broker on " + bootstrapServers() + " has no process: it was killed or closed");
    }
    return process.pid();
  }

  /** Whether the child process is running. */
  public synchronized boolean isAlive() {
    return process != null && process.isAlive();
  }

  /** Stops the child at once with SIGKILL, as a crash would, and waits for it to exit. */
  public synchronized void kill() {
    if (process != null) {
      process.destroyForcibly();
      awaitExit(process, STOP_TIMEOUT);
      process = null;
    }
  }

  /**
   * Starts the broker again on the same port and data directory; a running child is first stopped
   * cleanly. Works right after {@link #kill()}.
   *
   * @throws BrokerException as {@link #start} does
   * @throws IllegalStateException after {@link #close()}
   */
  public synchronized void restart() {
    if (closed) {
      throw new IllegalStateException("Broker on " + bootstrapServers() + " is closed");
    }
    stopCleanly();
    launch();
  }

  /**
   * Stops the child with SIGTERM (a clean broker shutdown), sending SIGKILL if it has not exited
   * within 15 s, and deletes a temporary data directory. Idempotent.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    stopCleanly();
    if (temporary) {
      EmbeddedBroker.deleteRecursively(dataDir);
    }
  }

  /**
   * Lines the child printed on stdout besides its ready line; empty unless something logs there.
   */
  List<String> unexpectedOutput() {
    synchronized (unexpectedOutput) {
      return List.copyOf(unexpectedOutput);
    }
  }

  /** The child's command line. */
  static List<String> command(int port, Path dataDir, long parentPid) {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    return List.of(
        java.toString(),
        "-XX:TieredStopAtLevel=1",
        "-XX:+UseSerialGC",
        "-Xmx512m",
        "-cp",
        System.getProperty("java.class.path"),
        BrokerMain.class.getName(),
        "--port",
        Integer.toString(port),
        "--data-dir",
        dataDir.toAbsolutePath().toString(),
        "--parent-pid",
        Long.toString(parentPid));
  }

  private void stopCleanly() {
    if (process == null) {
      return;
    }
    process.destroy();
    if (!awaitExit(process, STOP_TIMEOUT)) {
      process.destroyForcibly();
      awaitExit(process, STOP_TIMEOUT);
    }
    process = null;
  }

  private void launch() {
    Path log = logFile();
    ProcessBuilder pb =
        new ProcessBuilder(command(port, dataDir, ProcessHandle.current().pid()))
            .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
    Process p;
    try {
      Files.writeString(
          log,
          "---- starting broker on " + bootstrapServers() + " at " + Instant.now() + "\n",
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
      p = pb.start();
      p.getOutputStream().close();
    } catch (IOException e) {
      throw new BrokerException(
          "Cannot start a broker child JVM for " + bootstrapServers() + ": " + e, e);
    }
    process = p;
    CompletableFuture<String> ready = new CompletableFuture<>();
    Thread reader = new Thread(() -> readStdout(p, ready), "broker-" + port + "-stdout");
    reader.setDaemon(true);
    reader.start();
    String line;
    try {
      line = ready.get(READY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      p.destroyForcibly();
      awaitExit(p, STOP_TIMEOUT);
      process = null;
      throw new BrokerException(
          "Broker child process (pid "
              + p.pid()
              + ") for "
              + bootstrapServers()
              + " was not ready within "
              + READY_TIMEOUT.toSeconds()
              + " s; last lines of "
              + log
              + ":\n"
              + tail(log));
    } catch (ExecutionException e) {
      awaitExit(p, STOP_TIMEOUT);
      process = null;
      String code = p.isAlive() ? "closed its stdout" : "exited with code " + p.exitValue();
      throw new BrokerException(
          "Broker child process (pid "
              + p.pid()
              + ") for "
              + bootstrapServers()
              + " "
              + code
              + " before it was ready; last lines of "
              + log
              + ":\n"
              + tail(log));
    } catch (InterruptedException e) {
      p.destroyForcibly();
      process = null;
      Thread.currentThread().interrupt();
      throw new BrokerException(
          "Interrupted while waiting for the broker child process on " + bootstrapServers());
    }
    String expected = BrokerMain.READY_PREFIX + bootstrapServers();
    if (!line.equals(expected)) {
      stopCleanly();
      throw new BrokerException(
          "Broker child process printed '" + line + "', expected '" + expected + "'");
    }
  }

  /**
   * Completes {@code ready} with the ready line; keeps draining so the child never blocks on
   * stdout.
   */
  private void readStdout(Process p, CompletableFuture<String> ready) {
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        if (!ready.isDone() && line.startsWith(BrokerMain.READY_PREFIX)) {
          ready.complete(line);
        } else {
          synchronized (unexpectedOutput) {
            unexpectedOutput.add(line);
          }
        }
      }
    } catch (IOException e) {
      ready.completeExceptionally(e);
      return;
    }
    ready.completeExceptionally(new IOException("stdout of the broker child process closed"));
  }

  private static boolean awaitExit(Process p, Duration timeout) {
    try {
      return p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return !p.isAlive();
    }
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join(
          "\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
    } catch (IOException | UncheckedIOException e) {
      return "(cannot read the log: " + e + ")";
    }
  }
}
