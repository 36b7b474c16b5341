package io.inceptionstream.bench;

import java.io.IOException;
import java.lang.management.CompilationMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * What the JVM did during one measurement, read from its MXBeans: collections and their time, JIT
 * compilation time, and the threads alive at the end, both Java threads and all the process's
 * native threads (Linux {@code /proc/self/task}; -1 elsewhere), which also counts engine threads
 * such as OpenMP's. A measurement that drifts while these move has found its cause.
 *
 * @param gcCount collections during the measurement, all collectors
 * @param gcMillis time the collections reported
 * @param jitMillis JIT compilation time (-1 when the JVM does not report it)
 * @param javaThreads live Java threads at the end
 * @param processThreads all threads of the process at the end, or -1
 */
public record JvmActivity(
    long gcCount, long gcMillis, long jitMillis, int javaThreads, int processThreads) {

  /** Counters at one moment. */
  record Snapshot(long gcCount, long gcMillis, long jitMillis) {}

  /** The counters now. */
  static Snapshot snapshot() {
    long count = 0;
    long millis = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      count += Math.max(0, gc.getCollectionCount());
      millis += Math.max(0, gc.getCollectionTime());
    }
    CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
    long jitMillis =
        jit != null && jit.isCompilationTimeMonitoringSupported()
            ? jit.getTotalCompilationTime()
            : -1;
    return new Snapshot(count, millis, jitMillis);
  }

  /** What happened since {@code before}. */
  static JvmActivity since(Snapshot before) {
    Snapshot now = snapshot();
    return new JvmActivity(
        now.gcCount() - before.gcCount(),
        now.gcMillis() - before.gcMillis(),
        now.jitMillis() < 0 ? -1 : now.jitMillis() - before.jitMillis(),
        ManagementFactory.getThreadMXBean().getThreadCount(),
        countProcessThreads());
  }

  /** Threads of this process, Java and native, or -1 where {@code /proc} is not there. */
  static int countProcessThreads() {
    Path tasks = Path.of("/proc/self/task");
    if (!Files.isDirectory(tasks)) {
      return -1;
    }
    try (Stream<Path> s = Files.list(tasks)) {
      return (int) s.count();
    } catch (IOException e) {
      return -1;
    }
  }
}
