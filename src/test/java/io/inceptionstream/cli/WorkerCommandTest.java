package io.inceptionstream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inceptionstream.testing.ChildCli;
import io.inceptionstream.testing.NoLeaksExtension;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(NoLeaksExtension.class)
class WorkerCommandTest {

  @TempDir Path dir;

  @Test
  void aTakenMetricsPortFailsTheStartWithExitCodeOneNamingThePortAndTheSetting() throws Exception {
    // What a second worker on the same host met: the first one holds the metrics port.
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 0));
      int port = taken.getLocalPort();
      Process p =
          ChildCli.start(
              dir,
              "worker",
              "worker",
              "--bootstrap-servers",
              "127.0.0.1:9",
              "--metrics-port",
              Integer.toString(port));
      ChildCli.Result r = ChildCli.await(p, dir, "worker", Duration.ofMinutes(2));
      assertEquals(1, r.code(), "a failed start must not look like a clean exit: " + r.err());
      assertTrue(r.err().contains(":" + port), r.err());
      assertTrue(r.err().contains("metrics.port"), r.err());
      assertTrue(r.err().contains("metrics.port=0"), r.err());
    }
  }
}
