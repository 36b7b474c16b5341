package io.inceptionstream.testing;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class that leaves processes started by this JVM running ({@code @ExtendWith}): after
 * all its tests, every descendant process that was not there before the class must have exited
 * within a short grace period. Leftovers are named in the failure (pid and command line) and then
 * killed, so one leaky class does not take the next ones down with it. Likewise for the worker's
 * own threads (poll, batcher, publisher, inference, decode, metrics): a worker the test forgot to
 * stop fails the class. Called by JUnit's thread.
 */
public final class NoLeaksExtension implements BeforeAllCallback, AfterAllCallback {

  /** How long processes may take to exit after the last test, e.g. a child still being reaped. */
  static final Duration GRACE = Duration.ofSeconds(5);

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(NoLeaksExtension.class);

  @Override
  public void beforeAll(ExtensionContext context) {
    context.getStore(NAMESPACE).put("baseline", descendantPids());
  }

  /** Name prefixes of the threads a worker starts. */
  static final List<String> WORKER_THREADS =
      List.of(
          "poll", "batcher", "publisher", "inference-", "decode-", "watchdog-", "metrics-http-");

  @Override
  public void afterAll(ExtensionContext context) {
    List<String> threads = leakedThreads(GRACE);
    @SuppressWarnings("unchecked")
    Set<Long> baseline = context.getStore(NAMESPACE).get("baseline", Set.class);
    List<ProcessHandle> leaked = leakedProcesses(baseline == null ? Set.of() : baseline, GRACE);
    if (!threads.isEmpty() && leaked.isEmpty()) {
      throw new AssertionError(
          context.getDisplayName() + " left worker threads running: " + threads);
    }
    if (leaked.isEmpty()) {
      return;
    }
    String names =
        leaked.stream().map(NoLeaksExtension::describe).collect(Collectors.joining("; "));
    leaked.forEach(p -> p.destroyForcibly());
    throw new AssertionError(
        context.getDisplayName()
            + " left "
            + leaked.size()
            + " child process(es) running (now killed): "
            + names);
  }

  /**
   * Descendants of this JVM not in {@code baseline} still alive after waiting up to {@code grace}.
   */
  static List<ProcessHandle> leakedProcesses(Set<Long> baseline, Duration grace) {
    return stillThere(
        () ->
            ProcessHandle.current()
                .descendants()
                .filter(p -> !baseline.contains(p.pid()) && p.isAlive())
                .toList(),
        grace);
  }

  /** Live threads named like a worker's, after waiting up to {@code grace} for them to end. */
  static List<String> leakedThreads(Duration grace) {
    return stillThere(
        () ->
            Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .filter(
                    n ->
                        WORKER_THREADS.stream()
                            .anyMatch(p -> p.endsWith("-") ? n.startsWith(p) : n.equals(p)))
                .sorted()
                .toList(),
        grace);
  }

  /** What {@code live} still returns after waiting up to {@code grace} for it to become empty. */
  private static <T> List<T> stillThere(java.util.function.Supplier<List<T>> live, Duration grace) {
    long deadline = System.nanoTime() + grace.toNanos();
    while (true) {
      List<T> alive = live.get();
      if (alive.isEmpty() || System.nanoTime() >= deadline) {
        return alive;
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return alive;
      }
    }
  }

  static Set<Long> descendantPids() {
    return ProcessHandle.current()
        .descendants()
        .map(ProcessHandle::pid)
        .collect(Collectors.toSet());
  }

  static String describe(ProcessHandle p) {
    ProcessHandle.Info info = p.info();
    String command = info.commandLine().or(info::command).orElse("(command unknown)");
    if (command.length() > 300) {
      command = command.substring(0, 300) + "...";
    }
    return "pid " + p.pid() + ": " + command;
  }
}
