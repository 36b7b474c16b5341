package io.inceptionstream.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MachineReferenceTest {

  @Test
  void reportsAPositiveRateForAFixedAmountOfWorkOnEveryThread() throws Exception {
    double rate = new MachineReference(2, 20).gflopsPerSecond();
    assertTrue(rate > 0 && Double.isFinite(rate), "GFLOP/s " + rate);
  }

  @Test
  void computesTheSameProductsEveryTimeSoEachMeasurementIsTheSameWork() {
    double once = MachineReference.multiply(5, 1);
    assertEquals(once, MachineReference.multiply(5, 1));
    assertTrue(once != MachineReference.multiply(5, 2), "the seed changes the matrices");
  }

  @Test
  void refusesNoThreadsOrNoWork() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new MachineReference(0, 10));
    assertTrue(e.getMessage().contains("0 threads"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new MachineReference(1, 0));
  }
}
