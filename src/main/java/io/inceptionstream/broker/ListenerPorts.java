package io.inceptionstream.broker;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Properties;

/**
 * The two loopback ports of a broker, client ({@code PLAINTEXT} or {@code SASL_SSL}) and {@code
 * CONTROLLER}, kept in a small file in the data directory so that a restart on the same directory
 * listens where it did before: the controller quorum is configured by address, and clients
 * reconnect to the same port. Immutable.
 */
record ListenerPorts(int port, int controllerPort) {

  /** File in the data directory holding the chosen ports. */
  static final String FILE = "listener-ports.properties";

  ListenerPorts {
    checkPort("port", port, false);
    checkPort("controller.port", controllerPort, false);
    if (port == controllerPort) {
      throw new IllegalArgumentException(
          "Invalid value "
              + port
              + " for port: must differ from controller.port "
              + controllerPort);
    }
  }

  /**
   * The ports for a broker on {@code dataDir}: {@code requestedPort} when it is not 0, otherwise
   * the client port saved by an earlier run, otherwise a free one; the saved controller port, or a
   * free one on a fresh directory.
   */
  static ListenerPorts resolve(Path dataDir, int requestedPort) {
    checkPort("port", requestedPort, true);
    Properties saved = load(dataDir.resolve(FILE));
    int savedPort = parse(saved, "port");
    int savedController = parse(saved, "controller.port");
    int port = requestedPort != 0 ? requestedPort : savedPort;
    while (port == 0 || (requestedPort == 0 && port == savedController)) {
      port = freePort();
    }
    if (savedController == port) {
      throw new IllegalArgumentException(
          "Invalid value "
              + port
              + " for port: the broker on "
              + dataDir
              + " uses it as its controller port (see "
              + FILE
              + ")");
    }
    int controller = savedController;
    while (controller == 0 || controller == port) {
      controller = freePort();
    }
    return new ListenerPorts(port, controller);
  }

  /** Writes the ports to the data directory, replacing the file atomically. */
  void save(Path dataDir) {
    Properties p = new Properties();
    p.setProperty("port", Integer.toString(port));
    p.setProperty("controller.port", Integer.toString(controllerPort));
    Path file = dataDir.resolve(FILE);
    Path tmp = dataDir.resolve(FILE + ".tmp");
    try {
      try (OutputStream out = Files.newOutputStream(tmp)) {
        p.store(
            out,
            "Loopback ports of the embedded Kafka broker; kept so restarts listen on the same ports");
      }
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + file, e);
    }
  }

  /**
   * A port on 127.0.0.1 that was free a moment ago. Another process may take it before the broker
   * binds it; the broker then fails to start with a message naming the port.
   */
  static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot find a free port on 127.0.0.1", e);
    }
  }

  private static void checkPort(String key, int value, boolean zeroAllowed) {
    if (value < (zeroAllowed ? 0 : 1) || value > 65535) {
      throw new IllegalArgumentException(
          "Invalid value "
              + value
              + " for "
              + key
              + ": must be "
              + (zeroAllowed ? "0 (any free port) or " : "")
              + "from 1 to 65535");
    }
  }

  private static Properties load(Path file) {
    Properties p = new Properties();
    if (Files.isRegularFile(file)) {
      try (InputStream in = Files.newInputStream(file)) {
        p.load(in);
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot read " + file, e);
      }
    }
    return p;
  }

  private static int parse(Properties p, String key) {
    String v = p.getProperty(key);
    if (v == null) {
      return 0;
    }
    try {
      int port = Integer.parseInt(v.trim());
      checkPort(key, port, false);
      return port;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "Invalid value "
              + v
              + " for "
              + key
              + " in "
              + FILE
              + ": must be a port number from 1 to 65535",
          e);
    }
  }
}
