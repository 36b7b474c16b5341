package io.inceptionstream.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.inceptionstream.broker.Topics;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

/** Runs only where Docker is available; elsewhere JUnit reports it as skipped. */
class ContainerKafkaTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(120);

  @Test
  @EnabledIf(
      value = "io.inceptionstream.testing.KafkaClusters#dockerAvailable",
      disabledReason = "Docker is not available")
  void startsAFreshBrokerOnRestartAfterAKill() throws Exception {
    try (ContainerKafka kafka = ContainerKafka.start()) {
      Topics.create(kafka.bootstrapServers(), List.of("lost"), 1, (short) 1, TIMEOUT);
      Clients.produce(kafka.bootstrapServers(), "lost", List.of("gone"));

      kafka.kill();
      kafka.restart();

      assertFalse(kafka.keepsDataAcrossRestart());
      assertEquals(
          List.of(new Topics.Result("lost", true, 1)),
          Topics.create(kafka.bootstrapServers(), List.of("lost"), 1, (short) 1, TIMEOUT),
          "the new container starts without the old topics");
    }
  }
}
