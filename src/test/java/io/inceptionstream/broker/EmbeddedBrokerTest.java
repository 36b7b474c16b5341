package io.inceptionstream.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inceptionstream.testing.Clients;
import io.inceptionstream.testing.NoLeaksExtension;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(NoLeaksExtension.class)
class EmbeddedBrokerTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  @TempDir Path dir;

  @Test
  void keepsAcknowledgedRecordsAcrossARestartOnTheSameDataDirectory() throws Exception {
    Path data = dir.resolve("data");
    String bootstrap;
    int controllerPort;
    try (EmbeddedBroker broker = EmbeddedBroker.start(0, data)) {
      bootstrap = broker.bootstrapServers();
      controllerPort = broker.controllerPort();
      assertEquals("127.0.0.1:" + broker.port(), bootstrap);
      Topics.create(bootstrap, List.of("kept"), 1, (short) 1, TIMEOUT);
      Clients.produce(bootstrap, "kept", List.of("a", "b", "c"));
      assertEquals(List.of("a", "b", "c"), Clients.consume(bootstrap, "kept", 3, TIMEOUT));
    }
    try (EmbeddedBroker again = EmbeddedBroker.start(0, data)) {
      assertEquals(
          bootstrap,
          again.bootstrapServers(),
          "port 0 reuses the client port saved in the data directory");
      assertEquals(
          controllerPort, again.controllerPort(), "the controller port is kept across restarts");
      assertEquals(List.of("a", "b", "c"), Clients.consume(bootstrap, "kept", 3, TIMEOUT));
    }
  }

  @Test
  void deletesItsTemporaryDataDirectoryOnClose() {
    Path data;
    try (EmbeddedBroker broker = EmbeddedBroker.start(0, null)) {
      data = broker.dataDir();
      assertTrue(
          Files.isRegularFile(data.resolve(EmbeddedBroker.KAFKA_DIR).resolve("meta.properties")),
          "storage is formatted");
      Topics.awaitReachable(broker.bootstrapServers(), TIMEOUT);
    }
    assertFalse(Files.exists(data), data + " is deleted on close");
  }

  @Test
  void failsWithAMessageNamingThePortWhenItIsTaken() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      int port = taken.getLocalPort();
      BrokerException e =
          assertThrows(
              BrokerException.class,
              () -> EmbeddedBroker.start(port, dir.resolve("taken")).close());
      assertTrue(e.getMessage().contains("127.0.0.1:" + port), e.getMessage());
    }
  }

  @Test
  void rejectsAPortOutOfRange() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> EmbeddedBroker.start(70000, dir.resolve("bad")));
    assertEquals(
        "Invalid value 70000 for port: must be 0 (any free port) or from 1 to 65535",
        e.getMessage());
  }
}
