package io.inceptionstream.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ListenerPortsTest {

  @TempDir Path dir;

  @Test
  void picksTwoDistinctFreePortsForANewDirectory() {
    ListenerPorts ports = ListenerPorts.resolve(dir, 0);
    assertNotEquals(ports.port(), ports.controllerPort());
    assertTrue(ports.port() > 0 && ports.controllerPort() > 0);
  }

  @Test
  void reusesTheSavedPortsWhenAskedForAnyPort() {
    ListenerPorts first = ListenerPorts.resolve(dir, 0);
    first.save(dir);
    assertTrue(Files.isRegularFile(dir.resolve(ListenerPorts.FILE)));
    assertEquals(first, ListenerPorts.resolve(dir, 0));
  }

  @Test
  void keepsTheSavedControllerPortWhenTheClientPortIsGiven() {
    ListenerPorts first = ListenerPorts.resolve(dir, 0);
    first.save(dir);
    int other = first.port() == 65000 ? 65001 : 65000;
    assertEquals(
        new ListenerPorts(other, first.controllerPort()), ListenerPorts.resolve(dir, other));
  }

  @Test
  void refusesAClientPortThatIsTheSavedControllerPort() {
    ListenerPorts first = ListenerPorts.resolve(dir, 0);
    first.save(dir);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ListenerPorts.resolve(dir, first.controllerPort()));
    assertTrue(
        e.getMessage().startsWith("Invalid value " + first.controllerPort() + " for port: "),
        e.getMessage());
  }
}
