package io.inceptionstream.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import java.util.List;
import org.junit.jupiter.api.Test;

class DevicesTest {

  @Test
  void autoTakesEveryGpuTheEngineSeesOnEitherEngine() {
    for (String engine : List.of(Engines.MXNET, Engines.PYTORCH)) {
      assertEquals(
          List.of(Device.gpu(0), Device.gpu(1), Device.gpu(2)),
          Devices.resolve("auto", engine, 3),
          engine);
    }
  }

  @Test
  void autoFallsBackToTheCpuWithoutGpus() {
    assertEquals(List.of(Device.cpu()), Devices.resolve("AUTO", Engines.PYTORCH, 0));
  }

  @Test
  void cpuStaysTheCpuEvenWithGpus() {
    assertEquals(List.of(Device.cpu()), Devices.resolve("cpu", Engines.MXNET, 4));
  }

  @Test
  void aNamedGpuMustBeOneTheEngineSees() {
    assertEquals(List.of(Device.gpu(1)), Devices.resolve("gpu1", Engines.MXNET, 2));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> Devices.resolve("gpu2", Engines.PYTORCH, 2));
    assertTrue(e.getMessage().contains("sees 2 GPU(s)"), e.getMessage());
  }

  @Test
  void malformedNamesAreRefusedBeforeCounting() {
    assertThrows(IllegalArgumentException.class, () -> Devices.resolve("cuda:0", Engines.MXNET, 1));
  }

  @Test
  void concreteNamesRoundTrip() {
    assertEquals("gpu3", Devices.name(Devices.of("gpu3")));
    assertEquals("cpu", Devices.name(Devices.of("cpu")));
  }
}
