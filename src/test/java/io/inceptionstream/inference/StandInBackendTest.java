package io.inceptionstream.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inceptionstream.config.CostCurve;
import io.inceptionstream.image.Preprocessor;
import io.inceptionstream.model.Tap;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;
import org.junit.jupiter.api.Test;

class StandInBackendTest {

  private static final float[] PIXELS = new float[4 * Preprocessor.FLOATS];

  private static StandInBackend standIn(String cost) {
    return new StandInBackend(
        10,
        new RunnerOptions(List.of(Tap.B5), false, "stand-in", false)
            .withStandInCost(CostCurve.parse(cost)));
  }

  @Test
  void answersWithTheModelsShapes() {
    try (StandInBackend b = standIn("0ms+0us")) {
      NetworkOutputs out = b.forward(PIXELS, 3);
      assertEquals(3, out.size());
      assertEquals(10, out.classes());
      assertEquals(30, out.logits().length);
      assertEquals(1.0f, out.logits()[10]);
      assertEquals(List.of(Tap.B5), out.taps());
      assertEquals(3 * 1024, out.tapValues().get(0).length);
    }
  }

  @Test
  void takesAtLeastItsCostPerCallWithoutBurningTheCpu() {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    try (StandInBackend b = standIn("40ms+5ms")) {
      long cpu = threads.getCurrentThreadCpuTime();
      long start = System.nanoTime();
      b.forward(PIXELS, 4);
      long wall = System.nanoTime() - start;
      long used = threads.getCurrentThreadCpuTime() - cpu;
      assertTrue(wall >= 60_000_000L, "returned after " + wall + " ns, before the 60 ms cost");
      // Parked like a thread waiting on a device, not spinning: far less CPU than wall time.
      assertTrue(used < wall / 2, "used " + used + " ns of CPU in " + wall + " ns");
    }
  }

  @Test
  void anInterruptEndsTheWaitAndStaysSet() {
    try (StandInBackend b = standIn("1s+0us")) {
      Thread.currentThread().interrupt();
      float[] logits = b.forward(PIXELS, 1).logits();
      assertTrue(Thread.interrupted());
      assertArrayEquals(new float[] {1, 0, 0, 0, 0, 0, 0, 0, 0, 0}, logits);
    }
  }
}
