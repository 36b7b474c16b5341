package io.inceptionstream.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inceptionstream.config.KafkaPassThrough.Client;
import io.inceptionstream.config.KafkaPassThrough.Split;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KafkaPassThroughTest {

  @Test
  void sendsCommonPropertiesToEveryClientAndClientPropertiesToThatClientOnly() {
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("kafka.consumer.max.poll.records", "100");
    settings.put("kafka.client.rack", "r1");
    settings.put("kafka.producer.client.rack", "r2");
    settings.put("kafka.admin.retries", "3");
    List<String> problems = new ArrayList<>();
    Split split = KafkaPassThrough.split(settings, problems);
    assertEquals(List.of(), problems);
    assertEquals(Map.of("max.poll.records", "100", "client.rack", "r1"), split.consumer());
    assertEquals(Map.of("client.rack", "r2"), split.producer());
    assertEquals(Map.of("client.rack", "r1", "retries", "3"), split.admin());
  }

  @Test
  void refusesKeysThatNameNoProperty() {
    List<String> problems = new ArrayList<>();
    KafkaPassThrough.split(Map.of("kafka.", "x"), problems);
    KafkaPassThrough.split(Map.of("kafka.consumer", "x"), problems);
    KafkaPassThrough.split(Map.of("kafka.producer.", "x"), problems);
    assertEquals(3, problems.size());
    assertEquals(
        "Invalid configuration kafka.consumer: name a Kafka property after it, as in kafka.consumer.fetch.min.bytes or kafka.client.rack",
        problems.get(1));
  }

  @Test
  void refusesEveryProtectedPropertyOnItsClientWithWhatToDoInstead() {
    Map<Client, List<String>> expected =
        Map.of(
            Client.CONSUMER,
                List.of(
                    "bootstrap.servers",
                    "group.id",
                    "enable.auto.commit",
                    "key.deserializer",
                    "value.deserializer"),
            Client.PRODUCER,
                List.of(
                    "bootstrap.servers",
                    "key.serializer",
                    "value.serializer",
                    "transactional.id",
                    "enable.idempotence"),
            Client.ADMIN, List.of("bootstrap.servers"));
    for (Client c : Client.values()) {
      assertEquals(expected.get(c), List.copyOf(KafkaPassThrough.protectedProperties(c).keySet()));
      for (String property : expected.get(c)) {
        List<String> problems = new ArrayList<>();
        Split split = KafkaPassThrough.split(Map.of(c.prefix() + property, "x"), problems);
        assertEquals(1, problems.size(), c + " " + property);
        assertTrue(
            problems
                .get(0)
                .startsWith(
                    "Invalid configuration "
                        + c.prefix()
                        + property
                        + ": the worker sets the "
                        + c.externalName()
                        + " property "
                        + property
                        + " itself; "),
            problems.get(0));
        assertFalse(
            split.consumer().containsKey(property)
                || split.producer().containsKey(property)
                || split.admin().containsKey(property));
      }
    }
  }

  @Test
  void letsAClientSetAPropertyAnotherClientProtects() {
    List<String> problems = new ArrayList<>();
    Split split =
        KafkaPassThrough.split(
            Map.of("kafka.admin.group.id", "x", "kafka.consumer.transactional.id", "y"), problems);
    assertEquals(List.of(), problems);
    assertEquals(Map.of("group.id", "x"), split.admin());
  }

  @Test
  void treatsPasswordsSecretsJaasAndPrivateKeysAsSecret() {
    assertTrue(KafkaPassThrough.isSecret("ssl.truststore.password"));
    assertTrue(KafkaPassThrough.isSecret("sasl.jaas.config"));
    assertTrue(KafkaPassThrough.isSecret("sasl.oauthbearer.client.credentials.client.secret"));
    assertTrue(KafkaPassThrough.isSecret("ssl.keystore.key"));
    assertTrue(KafkaPassThrough.isSecret("Some.PASSWORD"));
    assertFalse(KafkaPassThrough.isSecret("security.protocol"));
    assertFalse(KafkaPassThrough.isSecret("key.serializer"));
  }

  @Test
  void putsTheKafkaConfigFilePropertiesUnderEveryKafkaKey() {
    List<String> problems = new ArrayList<>();
    Split split =
        KafkaPassThrough.split(
            Map.of("kafka.client.rack", "common", "kafka.producer.linger.ms", "5"),
            Map.of("client.rack", "file", "linger.ms", "1", "security.protocol", "SSL"),
            problems);
    assertEquals(List.of(), problems);
    assertEquals(
        Map.of("client.rack", "common", "linger.ms", "1", "security.protocol", "SSL"),
        split.consumer());
    assertEquals(
        Map.of("client.rack", "common", "linger.ms", "5", "security.protocol", "SSL"),
        split.producer());
    assertEquals(split.consumer(), split.admin());
  }

  @Test
  void doesNotPassTheKafkaConfigKeyThrough() {
    assertThrows(
        IllegalArgumentException.class,
        () -> KafkaPassThrough.split(Map.of("kafka.config", "client.properties"), List.of()));
    List<String> problems = new ArrayList<>();
    Split split = KafkaPassThrough.split(Map.of("kafka.consumer.config", "x"), problems);
    assertEquals(List.of(), problems);
    assertEquals(Map.of("config", "x"), split.consumer());
  }
}
