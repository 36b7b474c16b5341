package io.inceptionstream.it;

import io.inceptionstream.testing.ContainerKafka;
import io.inceptionstream.testing.KafkaCluster;
import java.nio.file.Path;
import org.junit.jupiter.api.condition.EnabledIf;

/**
 * The worker contract against an {@code apache/kafka} container; skipped where Docker is missing.
 */
@EnabledIf("io.inceptionstream.testing.KafkaClusters#dockerAvailable")
class WorkerOnContainerIntegrationTest extends WorkerContract {

  @Override
  KafkaCluster startCluster(Path dir) {
    return ContainerKafka.start();
  }
}
