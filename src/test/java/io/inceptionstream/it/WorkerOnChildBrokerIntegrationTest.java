package io.inceptionstream.it;

import io.inceptionstream.testing.ChildProcessKafka;
import io.inceptionstream.testing.KafkaCluster;
import java.nio.file.Path;

/** The worker contract against a KRaft broker in a child JVM started from the Maven artifacts. */
class WorkerOnChildBrokerIntegrationTest extends WorkerContract {

  @Override
  KafkaCluster startCluster(Path dir) {
    return ChildProcessKafka.start(dir);
  }
}
