package io.inceptionstream.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The per-input bounds every fuzz test enforces besides "no unexpected exception": wall time and
 * bytes allocated by the calling thread (decoding runs on it). An input that never returns is
 * caught by libFuzzer's per-input timeout when fuzzing (pom.xml passes {@code -timeout}) and by
 * surefire's fork timeout when replaying. (JUnit's {@code @Timeout} does not fit: Jazzer applies it
 * to the whole fuzzing run.) Stateless.
 */
final class InputBounds {

  /** Longest one input may take; the decoders' own work on a 1 MB input is far below it. */
  static final Duration MAX_TIME = Duration.ofSeconds(5);

  /** Most bytes one input may allocate: a few copies of a 4-megapixel image, not a gigabyte. */
  static final long MAX_ALLOCATED_BYTES = 256L * 1024 * 1024;

  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  private InputBounds() {}

  /** A step that may throw what the code under test declares. */
  interface Step {
    void run() throws Exception;
  }

  /** Runs {@code step} and fails if it took or allocated more than the bounds. */
  static void check(Step step) throws Exception {
    long allocatedBefore = THREADS.getCurrentThreadAllocatedBytes();
    long start = System.nanoTime();
    step.run();
    long nanos = System.nanoTime() - start;
    long allocated = THREADS.getCurrentThreadAllocatedBytes() - allocatedBefore;
    if (nanos > MAX_TIME.toNanos()) {
      throw new AssertionError(
          "One input took " + Duration.ofNanos(nanos).toMillis() + " ms, over " + MAX_TIME);
    }
    if (allocated > MAX_ALLOCATED_BYTES) {
      throw new AssertionError(
          "One input allocated " + allocated + " bytes, over " + MAX_ALLOCATED_BYTES);
    }
  }

  /**
   * Runs {@code target} on every committed seed of a fuzz test, outside the bounds: the first
   * decodes load (and, when fuzzing, instrument) hundreds of classes on this thread, which is not
   * an input's cost. Call it from {@code @BeforeAll}.
   */
  static void warmUp(Class<?> test, String method, Target target) throws Exception {
    for (byte[] seed : seeds(test, method)) {
      target.run(seed);
    }
  }

  /** A fuzz target: checks one input, throwing on a finding. */
  interface Target {
    void run(byte[] input) throws Exception;
  }

  /** The committed seed corpus of {@code test}'s fuzz method {@code method}. */
  static List<byte[]> seeds(Class<?> test, String method) {
    URL dir = test.getResource(test.getSimpleName() + "Inputs/" + method);
    if (dir == null) {
      throw new IllegalStateException("No seed corpus for " + test.getSimpleName() + "." + method);
    }
    List<byte[]> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(Path.of(dir.toURI()))) {
      for (Path f : files.sorted().toList()) {
        out.add(Files.readAllBytes(f));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
    return out;
  }
}
