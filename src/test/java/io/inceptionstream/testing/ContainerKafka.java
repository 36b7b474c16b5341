package io.inceptionstream.testing;

import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * A {@link KafkaCluster} in a Docker container ({@code apache/kafka:4.1.1}, Testcontainers). Needs
 * a Docker engine; see {@link KafkaClusters#dockerAvailable()}.
 *
 * <p>Limitation: {@link #restart()} starts a new container. The image advertises the host port
 * mapped when the container was created, and Docker maps a new one when a stopped container starts
 * again, so the old container cannot simply be resumed: after a restart {@link #bootstrapServers()}
 * has a new port and the topics and records are gone ({@link #keepsDataAcrossRestart()} is false).
 * Used from the test thread.
 */
public final class ContainerKafka implements KafkaCluster {

  /** The broker image, the same Kafka version as the project's clients and embedded broker. */
  public static final DockerImageName IMAGE = DockerImageName.parse("apache/kafka:4.1.1");

  private final KafkaContainer container;

  private ContainerKafka(KafkaContainer container) {
    this.container = container;
  }

  /** Starts a container and returns once its broker accepts clients. */
  public static ContainerKafka start() {
    KafkaContainer c = new KafkaContainer(IMAGE);
    c.start();
    return new ContainerKafka(c);
  }

  @Override
  public String bootstrapServers() {
    return container.getBootstrapServers();
  }

  /** Sends SIGKILL to the container's processes (docker kill). */
  @Override
  public void kill() {
    String id = container.getContainerId();
    if (id != null && container.isRunning()) {
      container.getDockerClient().killContainerCmd(id).withSignal("KILL").exec();
    }
  }

  /** Removes the container and starts a new one: new port, no data (see the class comment). */
  @Override
  public void restart() {
    container.stop();
    container.start();
  }

  @Override
  public boolean keepsDataAcrossRestart() {
    return false;
  }

  @Override
  public void close() {
    container.stop();
  }

  @Override
  public String toString() {
    return "container " + IMAGE;
  }
}
