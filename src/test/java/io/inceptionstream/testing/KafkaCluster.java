package io.inceptionstream.testing;

import java.nio.file.Path;

/**
 * A Kafka cluster an integration test runs against and can crash on purpose. Implementations: a
 * broker in a child JVM ({@link ChildProcessKafka}) and a Docker container ({@link
 * ContainerKafka}); {@link KafkaClusters#available()} lists those this machine can run. Used from
 * the test thread.
 */
public interface KafkaCluster extends AutoCloseable {

  /** The clients' {@code bootstrap.servers}; read it again after {@link #restart()}. */
  String bootstrapServers();

  /**
   * Stops the broker at once, as a crash or SIGKILL would; nothing is flushed or shut down cleanly.
   */
  void kill();

  /** Starts the broker again, after {@link #kill()} or while it runs. */
  void restart();

  /**
   * Whether records acknowledged before {@link #kill()} are still there after {@link #restart()}.
   */
  boolean keepsDataAcrossRestart();

  /** Stops the broker and frees what it holds. */
  @Override
  void close();

  /** Starts a cluster, given a fresh directory it may use. */
  @FunctionalInterface
  interface Factory {
    KafkaCluster start(Path workDir);
  }
}
