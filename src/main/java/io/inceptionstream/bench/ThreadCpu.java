package io.inceptionstream.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * CPU time of this JVM's threads between two moments, grouped by thread name with digits folded
 * ({@code decode-1}, {@code decode-2} → {@code decode-N}), to find which stage of a pipeline limits
 * it: a single-threaded stage whose CPU time per record approaches the time per record is the
 * limit, whatever the machine's speed. Threads that end between the moments are not counted.
 * Confined to the thread that uses it.
 */
final class ThreadCpu {

  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
  private final Map<Long, Long> start = new HashMap<>();

  /** Starts counting now. */
  ThreadCpu() {
    if (threads.isThreadCpuTimeSupported() && !threads.isThreadCpuTimeEnabled()) {
      threads.setThreadCpuTimeEnabled(true);
    }
    for (long id : threads.getAllThreadIds()) {
      start.put(id, Math.max(0, threads.getThreadCpuTime(id)));
    }
  }

  /**
   * Microseconds of CPU per record of each thread group since construction, largest first, leaving
   * out groups under 1% of the total.
   */
  Map<String, Double> microsPerRecord(long records) {
    Map<String, Long> nanos = new TreeMap<>();
    long total = 0;
    for (long id : threads.getAllThreadIds()) {
      long now = threads.getThreadCpuTime(id);
      ThreadInfo info = threads.getThreadInfo(id);
      if (now < 0 || info == null) {
        continue;
      }
      long used = now - start.getOrDefault(id, 0L);
      nanos.merge(group(info.getThreadName()), used, Long::sum);
      total += used;
    }
    long floor = total / 100;
    Map<String, Double> out = new LinkedHashMap<>();
    List<Map.Entry<String, Long>> sorted =
        nanos.entrySet().stream()
            .filter(e -> e.getValue() >= floor && e.getValue() > 0)
            .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
            .toList();
    for (Map.Entry<String, Long> e : sorted) {
      out.put(e.getKey(), Math.round(e.getValue() / 10.0 / Math.max(1, records)) / 100.0);
    }
    out.put("total", Math.round(total / 10.0 / Math.max(1, records)) / 100.0);
    return out;
  }

  static String group(String threadName) {
    return threadName.replaceAll("\\d+", "N");
  }
}
