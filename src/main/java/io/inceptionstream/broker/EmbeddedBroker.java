package io.inceptionstream.broker;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;

/**
 * A single-node Kafka 4 broker in KRaft mode, broker and controller in one, running in this JVM and
 * listening on 127.0.0.1 only. The data directory is formatted on first use and reused after, so
 * records survive a restart; its client and controller ports are kept in the directory too ({@link
 * ListenerPorts}). Settings suit one node: replication factor 1 everywhere, few internal
 * partitions, no initial rebalance delay, short broker heartbeats so a killed node is back fast.
 * The client listener is PLAINTEXT, or SASL_SSL with SCRAM and ACLs ({@link BrokerSecurity}).
 *
 * <p>Thread-safe: {@link #close()} may be called from any thread, any number of times.
 */
public final class EmbeddedBroker implements AutoCloseable {

  /** Node id of the one node, broker and controller. */
  static final int NODE_ID = 1;

  /** Name of the listener the controller quorum uses. */
  static final String CONTROLLER_LISTENER = "CONTROLLER";

  /** Subdirectory of the data directory that Kafka formats and owns (log and metadata dirs). */
  static final String KAFKA_DIR = "kafka";

  private static final String LOG4J_CONFIG = "io/inceptionstream/broker/log4j2-broker.xml";

  static {
    // Kafka's server configures log4j2 when it registers its logging MBean; without a configuration
    // log4j2 would print ERROR lines on stdout, which belongs to the ready line and --json output.
    if (System.getProperty("log4j2.configurationFile") == null
        && System.getProperty("log4j.configurationFile") == null) {
      System.setProperty("log4j2.configurationFile", LOG4J_CONFIG);
    }
  }

  private final KafkaRaftServer server;
  private final ListenerPorts ports;
  private final Path dataDir;
  private final boolean deleteOnClose;
  private final String securityProtocol;
  private final AtomicBoolean closed = new AtomicBoolean();

  private EmbeddedBroker(
      KafkaRaftServer server,
      ListenerPorts ports,
      Path dataDir,
      boolean deleteOnClose,
      String securityProtocol) {
    this.server = server;
    this.securityProtocol = securityProtocol;
    this.ports = ports;
    this.dataDir = dataDir;
    this.deleteOnClose = deleteOnClose;
  }

  /**
   * Starts a broker and returns once it accepts client connections.
   *
   * @param port client port on 127.0.0.1; 0 reuses the port saved in {@code dataDir}, or picks a
   *     free one
   * @param dataDir data directory, created if missing and formatted if new; null means a temporary
   *     directory deleted on {@link #close()}
   * @throws BrokerException if the broker does not start (the message names ports and directory)
   * @throws IllegalArgumentException if {@code port} is out of range
   */
  public static EmbeddedBroker start(int port, Path dataDir) {
    return start(port, dataDir, null);
  }

  /**
   * {@link #start(int, Path)} with a secured client listener: {@code SASL_SSL} with SCRAM and the
   * standard authorizer, as {@code security} describes. Its SCRAM users are written when the data
   * directory is formatted, so a directory formatted without them keeps having none.
   *
   * @param security the client listener's security, or {@code null} for {@code PLAINTEXT}
   */
  public static EmbeddedBroker start(int port, Path dataDir, BrokerSecurity security) {
    boolean temporary = dataDir == null;
    Path dir = dataDirectory(dataDir);
    ListenerPorts ports;
    try {
      ports = ListenerPorts.resolve(dir, port);
      ports.save(dir);
    } catch (RuntimeException e) {
      cleanUp(dir, temporary);
      throw e;
    }
    Path kafkaDir = dir.resolve(KAFKA_DIR);
    KafkaRaftServer server = null;
    try {
      if (!Files.isRegularFile(kafkaDir.resolve("meta.properties"))) {
        format(kafkaDir, security);
      }
      server =
          new KafkaRaftServer(
              new KafkaConfig(settings(kafkaDir, ports, security), false), Time.SYSTEM);
      server.startup();
      return new EmbeddedBroker(
          server, ports, dir, temporary, security == null ? "PLAINTEXT" : BrokerSecurity.LISTENER);
    } catch (Exception e) {
      if (server != null) {
        stop(server);
      }
      cleanUp(dir, temporary);
      throw new BrokerException(
          "Kafka broker on 127.0.0.1:"
              + ports.port()
              + " (controller port "
              + ports.controllerPort()
              + ", data dir "
              + dir
              + ") did not start: "
              + describe(e),
          e);
    }
  }

  /** {@code 127.0.0.1:PORT}, for the clients' {@code bootstrap.servers}. */
  public String bootstrapServers() {
    return "127.0.0.1:" + ports.port();
  }

  /** The client listener's security protocol: {@code PLAINTEXT} or {@code SASL_SSL}. */
  public String securityProtocol() {
    return securityProtocol;
  }

  /** The client port. */
  public int port() {
    return ports.port();
  }

  /** The controller listener's port, the same across restarts on the same data directory. */
  public int controllerPort() {
    return ports.controllerPort();
  }

  /** The data directory (a temporary one when none was given). */
  public Path dataDir() {
    return dataDir;
  }

  /** Stops the broker cleanly (controlled shutdown) and deletes a temporary data directory. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      stop(server);
      cleanUp(dataDir, deleteOnClose);
    }
  }

  /** The broker configuration for one local node; see the class comment for the reasons. */
  static Map<String, Object> settings(Path kafkaDir, ListenerPorts ports) {
    return settings(kafkaDir, ports, null);
  }

  /** {@link #settings(Path, ListenerPorts)} with the client listener secured, unless null. */
  static Map<String, Object> settings(Path kafkaDir, ListenerPorts ports, BrokerSecurity security) {
    String host = "127.0.0.1";
    String client = security == null ? "PLAINTEXT" : BrokerSecurity.LISTENER;
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("process.roles", "broker,controller");
    s.put("node.id", Integer.toString(NODE_ID));
    s.put("controller.quorum.voters", NODE_ID + "@" + host + ":" + ports.controllerPort());
    s.put("controller.listener.names", CONTROLLER_LISTENER);
    s.put(
        "listeners",
        client
            + "://"
            + host
            + ":"
            + ports.port()
            + ","
            + CONTROLLER_LISTENER
            + "://"
            + host
            + ":"
            + ports.controllerPort());
    s.put("advertised.listeners", client + "://" + host + ":" + ports.port());
    s.put(
        "listener.security.protocol.map",
        client + ":" + client + "," + CONTROLLER_LISTENER + ":PLAINTEXT");
    s.put("inter.broker.listener.name", client);
    s.put("log.dirs", kafkaDir.toString());
    s.put("metadata.log.dir", kafkaDir.toString());
    // One node: every topic, internal ones included, has one replica and needs one in sync.
    s.put("default.replication.factor", "1");
    s.put("min.insync.replicas", "1");
    s.put("offsets.topic.replication.factor", "1");
    s.put("offsets.topic.num.partitions", "6");
    s.put("transaction.state.log.replication.factor", "1");
    s.put("transaction.state.log.min.isr", "1");
    s.put("transaction.state.log.num.partitions", "6");
    s.put("share.coordinator.state.topic.replication.factor", "1");
    s.put("share.coordinator.state.topic.min.isr", "1");
    s.put("share.coordinator.state.topic.num.partitions", "6");
    s.put("num.partitions", "1");
    s.put("auto.create.topics.enable", "true");
    // Consumer groups form at once, and tests may use short consumer sessions.
    s.put("group.initial.rebalance.delay.ms", "0");
    s.put("group.min.session.timeout.ms", "1000");
    s.put("group.consumer.min.session.timeout.ms", "1000");
    // A restarted node re-registers only after its previous session expired: keep that short.
    s.put("broker.heartbeat.interval.ms", "500");
    s.put("broker.session.timeout.ms", "3000");
    // Few threads and a small cleaner buffer: this broker shares a laptop or a CI box.
    s.put("num.network.threads", "2");
    s.put("num.io.threads", "4");
    s.put("background.threads", "2");
    s.put("num.replica.fetchers", "1");
    s.put("num.recovery.threads.per.data.dir", "1");
    s.put("log.cleaner.threads", "1");
    s.put("log.cleaner.dedupe.buffer.size", Integer.toString(8 * 1024 * 1024));
    s.put("auto.leader.rebalance.enable", "false");
    if (security != null) {
      s.putAll(security.settings());
    }
    return s;
  }

  /**
   * Formats a new storage directory with a fresh cluster id, and the SCRAM users of {@code
   * security} when not null, as {@code kafka-storage format --add-scram} does.
   */
  private static void format(Path kafkaDir, BrokerSecurity security) throws Exception {
    Files.createDirectories(kafkaDir);
    Formatter formatter = new Formatter();
    if (security != null) {
      formatter.setScramArguments(security.scramArguments());
    }
    formatter
        .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
        .setNodeId(NODE_ID)
        .setClusterId(Uuid.randomUuid().toString())
        .setDirectories(List.of(kafkaDir.toString()))
        .setMetadataLogDirectory(kafkaDir.toString())
        .setControllerListenerName(CONTROLLER_LISTENER)
        .run();
  }

  private static void stop(KafkaRaftServer server) {
    server.shutdown();
    server.awaitShutdown();
  }

  private static void cleanUp(Path dir, boolean delete) {
    if (delete) {
      deleteRecursively(dir);
    }
  }

  /** Deletes a directory tree; a no-op when it does not exist. */
  static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try {
      Files.walkFileTree(
          dir,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                throws IOException {
              Files.deleteIfExists(file);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
              Files.deleteIfExists(d);
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot delete " + dir, e);
    }
  }

  static String describe(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String m = root.getMessage();
    String text = root.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + m);
    return root == e
        ? text
        : e.getClass().getSimpleName()
            + (e.getMessage() == null ? "" : ": " + e.getMessage())
            + " (caused by "
            + text
            + ")";
  }

  /**
   * Creates the data directory, or a temporary one when {@code dataDir} is null (the caller deletes
   * that on close).
   */
  static Path dataDirectory(Path dataDir) {
    try {
      return dataDir == null
          ? Files.createTempDirectory("inception-broker")
          : Files.createDirectories(dataDir);
    } catch (IOException e) {
      throw new BrokerException(
          "Cannot create the broker data directory "
              + (dataDir == null ? "in " + System.getProperty("java.io.tmpdir") : dataDir)
              + ": "
              + e,
          e);
    }
  }
}
