package io.inceptionstream.broker;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs an {@link EmbeddedBroker} in the foreground: the main class of the child JVM that {@link
 * BrokerProcess} starts, and the body of the {@code broker} command. Once clients can connect it
 * prints exactly one line, {@code bootstrap.servers=127.0.0.1:PORT}, on stdout; it then runs until
 * SIGTERM or SIGINT (a clean stop from a shutdown hook) or, with a parent pid, until that process
 * is gone, so a killed test JVM leaves no broker behind.
 *
 * <p>Usage: {@code BrokerMain --port P --data-dir DIR [--parent-pid N]}; {@code --port 0} picks a
 * free port, no {@code --data-dir} means a temporary directory deleted on exit.
 *
 * <p>Threading: {@link #runUntilStopped} blocks its caller; a daemon thread watches the parent and
 * a shutdown hook thread stops the broker on a signal.
 */
public final class BrokerMain {

  /** Prefix of the one line printed on stdout when the broker is ready. */
  public static final String READY_PREFIX = "bootstrap.servers=";

  /** How often the parent process is checked. */
  static final Duration PARENT_CHECK_INTERVAL = Duration.ofMillis(500);

  private static final Logger LOG = LoggerFactory.getLogger(BrokerMain.class);
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
  private static final String USAGE = "usage: BrokerMain --port P --data-dir DIR [--parent-pid N]";

  private BrokerMain() {}

  public static void main(String[] args) {
    int port = 0;
    Path dataDir = null;
    OptionalLong parentPid = OptionalLong.empty();
    try {
      for (int i = 0; i < args.length; i++) {
        String name = args[i];
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException("Missing value for option " + name + "; " + USAGE);
        }
        String value = args[++i];
        switch (name) {
          case "--port" -> port = parseInt(name, value, 0, 65535);
          case "--data-dir" -> dataDir = Path.of(value);
          case "--parent-pid" -> parentPid = OptionalLong.of(parseLong(name, value));
          default -> throw new IllegalArgumentException("Unknown option " + name + "; " + USAGE);
        }
      }
    } catch (IllegalArgumentException e) {
      System.err.println("error: " + e.getMessage());
      System.exit(2);
      return;
    }
    try {
      runUntilStopped(port, dataDir, parentPid, new PrintWriter(System.out, true));
    } catch (RuntimeException e) {
      LOG.error("Broker failed", e);
      System.err.println("error: " + e.getMessage());
      System.exit(1);
    }
    // Reached when the parent is gone; exit even if a library left a non-daemon thread behind.
    System.exit(0);
  }

  /**
   * Starts a broker, prints the ready line on {@code out} once an admin client can reach it, and
   * blocks until the JVM shuts down (the broker then stops in a shutdown hook) or until the parent
   * process has exited (the broker is stopped and this method returns).
   *
   * @throws BrokerException if the broker does not start or is not reachable within a minute
   */
  public static void runUntilStopped(
      int port, Path dataDir, OptionalLong parentPid, PrintWriter out) {
    CountDownLatch parentGone = new CountDownLatch(1);
    AtomicReference<EmbeddedBroker> running = new AtomicReference<>();
    Thread hook =
        new Thread(
            () -> {
              EmbeddedBroker b = running.getAndSet(null);
              if (b != null) {
                b.close();
              }
            },
            "broker-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    parentPid.ifPresent(pid -> watchParent(pid, parentGone));
    try {
      EmbeddedBroker broker = EmbeddedBroker.start(port, dataDir);
      running.set(broker);
      try {
        Topics.awaitReachable(broker.bootstrapServers(), READY_TIMEOUT);
      } catch (RuntimeException e) {
        stop(running);
        throw e;
      }
      if (parentGone.getCount() > 0) {
        out.println(READY_PREFIX + broker.bootstrapServers());
        out.flush();
      }
      parentGone.await();
      LOG.warn(
          "Parent process {} has exited; stopping the broker on {}",
          parentPid.getAsLong(),
          broker.bootstrapServers());
      stop(running);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stop(running);
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // The hook is running or has run; it stops the broker.
      }
    }
  }

  private static void stop(AtomicReference<EmbeddedBroker> running) {
    EmbeddedBroker b = running.getAndSet(null);
    if (b != null) {
      b.close();
    }
  }

  /** Counts the latch down once process {@code pid} is no longer alive (checked twice a second). */
  private static void watchParent(long pid, CountDownLatch parentGone) {
    Thread watcher =
        new Thread(
            () -> {
              try {
                while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                  Thread.sleep(PARENT_CHECK_INTERVAL.toMillis());
                }
              } catch (InterruptedException e) {
                return;
              }
              parentGone.countDown();
            },
            "broker-parent-watch");
    watcher.setDaemon(true);
    watcher.start();
  }

  private static int parseInt(String name, String value, int min, int max) {
    try {
      int v = Integer.parseInt(value);
      if (v >= min && v <= max) {
        return v;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        "Invalid value "
            + value
            + " for option "
            + name
            + ": must be an integer from "
            + min
            + " to "
            + max);
  }

  private static long parseLong(String name, String value) {
    try {
      long v = Long.parseLong(value);
      if (v > 0) {
        return v;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        "Invalid value " + value + " for option " + name + ": must be a positive process id");
  }
}
