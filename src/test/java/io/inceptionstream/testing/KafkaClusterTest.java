package io.inceptionstream.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.inceptionstream.broker.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

@ExtendWith(NoLeaksExtension.class)
class KafkaClusterTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.inceptionstream.testing.KafkaClusters#available")
  void servesClientsAgainAfterAKillAndARestart(KafkaCluster.Factory factory, @TempDir Path dir)
      throws Exception {
    try (KafkaCluster kafka = factory.start(dir.resolve("kafka"))) {
      Topics.create(kafka.bootstrapServers(), List.of("events"), 1, (short) 1, TIMEOUT);
      Clients.produce(kafka.bootstrapServers(), "events", List.of("before"));

      kafka.kill();
      kafka.restart();

      Clients.produce(kafka.bootstrapServers(), "events", List.of("after"));
      List<String> expected =
          kafka.keepsDataAcrossRestart() ? List.of("before", "after") : List.of("after");
      assertEquals(
          expected, Clients.consume(kafka.bootstrapServers(), "events", expected.size(), TIMEOUT));
    }
  }
}
