package io.inceptionstream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inceptionstream.config.WorkerConfig;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DemoCommandTest {

  @Test
  void theDemoWorkersMetricsEndpointBindsLoopbackOnly() throws Exception {
    WorkerConfig c =
        WorkerConfig.load(
            null, Map.of(), DemoCommand.workerFlags("127.0.0.1:9092", Path.of("models", "x")));
    assertEquals("127.0.0.1", c.metricsBind());
    assertTrue(c.metricsEnabled());
    assertTrue(InetAddress.getByName(c.metricsBind()).isLoopbackAddress(), c.metricsBind());
  }
}
