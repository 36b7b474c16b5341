package io.inceptionstream.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ThreadCpuTest {

  @Test
  void groupsThreadsWhoseNamesDifferOnlyInNumbers() {
    assertEquals("decode-N", ThreadCpu.group("decode-12"));
    assertEquals(
        "kafka-producer-network-thread | producer-N",
        ThreadCpu.group("kafka-producer-network-thread | producer-3"));
    assertEquals("publisher", ThreadCpu.group("publisher"));
  }

  @Test
  void countsTheCpuThisThreadUsesPerRecordAndATotal() {
    ThreadCpu cpu = new ThreadCpu();
    long x = 0;
    for (long end = System.nanoTime() + 50_000_000L; System.nanoTime() < end; ) {
      x += System.nanoTime() % 7;
    }
    Map<String, Double> perRecord = cpu.microsPerRecord(10);
    String me = ThreadCpu.group(Thread.currentThread().getName());
    assertTrue(perRecord.get(me) > 0, perRecord + " " + x);
    assertTrue(perRecord.get("total") >= perRecord.get(me), perRecord.toString());
  }
}
