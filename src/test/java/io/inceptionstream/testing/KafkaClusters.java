package io.inceptionstream.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;

/**
 * The Kafka clusters integration tests run against, for {@code @MethodSource}: the child-process
 * broker always, the Docker container only where a Docker engine answers (elsewhere it is simply
 * not listed). Clusters are started by the test, inside its try-with-resources:
 *
 * <pre>{@code
 * @ParameterizedTest
 * @MethodSource("io.inceptionstream.testing.KafkaClusters#available")
 * void survivesACrash(KafkaCluster.Factory factory, @TempDir Path dir) {
 *   try (KafkaCluster kafka = factory.start(dir)) { ... }
 * }
 * }</pre>
 *
 * Thread-safe.
 */
public final class KafkaClusters {

  private static Boolean docker;

  private KafkaClusters() {}

  /** One named factory per cluster kind this machine can run. */
  public static Stream<Named<KafkaCluster.Factory>> available() {
    List<Named<KafkaCluster.Factory>> kinds = new ArrayList<>();
    kinds.add(Named.of("child process", ChildProcessKafka::start));
    if (dockerAvailable()) {
      kinds.add(Named.of("container " + ContainerKafka.IMAGE, dir -> ContainerKafka.start()));
    }
    return kinds.stream();
  }

  /** Whether Testcontainers finds a Docker engine; asked once per JVM. */
  public static synchronized boolean dockerAvailable() {
    if (docker == null) {
      boolean found;
      try {
        found = DockerClientFactory.instance().isDockerAvailable();
      } catch (RuntimeException | LinkageError e) {
        LoggerFactory.getLogger(KafkaClusters.class)
            .warn("Docker check failed with {}: {}", e.getClass().getName(), e.getMessage());
        found = false;
      }
      docker = found;
    }
    return docker;
  }
}
