package io.inceptionstream.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretTest {

  private static final String SECRET = "S3cr3t-unit-5Rb";
  private static final String JAAS =
      "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"w\" password=\""
          + SECRET
          + "\";";

  @Test
  void printsHiddenAndRevealsItsValueOnlyWhenAsked() {
    Secret s = Secret.of(SECRET);
    assertEquals("[hidden]", s.toString());
    assertEquals("[hidden]", String.valueOf(s));
    assertEquals(SECRET, s.value());
    assertEquals(Secret.of(SECRET), s);
    assertEquals(Secret.of(SECRET).hashCode(), s.hashCode());
    assertNotEquals(Secret.of(SECRET + "x"), s);
  }

  @Test
  void aHidingMapPrintsNoCredentialButGivesThemToWhoeverReadsIt() {
    Map<String, String> m =
        Secret.hidingMap(
            Map.of("sasl.jaas.config", JAAS, "ssl.truststore.password", SECRET, "acks", "all"));
    assertFalse(m.toString().contains(SECRET), m.toString());
    assertTrue(m.toString().contains("acks=all"), m.toString());
    assertEquals(SECRET, m.get("ssl.truststore.password"));
    assertEquals(JAAS, Map.copyOf(m).get("sasl.jaas.config"));
  }

  @Test
  void redactsEveryCredentialAndEachPasswordInsideAJaasLine() {
    Set<Secret> secrets =
        Secret.secretsIn(Map.of("sasl.jaas.config", JAAS, "client.id", "not-a-secret"));
    assertEquals(Set.of(Secret.of(JAAS), Secret.of(SECRET)), secrets);
    String message = "Invalid JAAS config '" + JAAS + "': password " + SECRET + " rejected";
    String redacted = Secret.redact(message, secrets);
    assertFalse(redacted.contains(SECRET), redacted);
    assertTrue(redacted.contains("[hidden]"), redacted);
    assertEquals("no secret here", Secret.redact("no secret here", secrets));
  }

  @Test
  void aConfigExceptionNeverQuotesTheValueOfASecretKey() {
    String m = ConfigException.invalidValue("kafka.sasl.jaas.config", SECRET, "must end with ;");
    assertEquals(
        "Invalid value [hidden] for configuration kafka.sasl.jaas.config: must end with ;", m);
    assertEquals(
        "Invalid value 0 for configuration batch.max-size: must be at least 1",
        ConfigException.invalidValue("batch.max-size", "0", "must be at least 1"));
  }

  @Test
  void loadErrorsAboutKafkaPropertiesNeverEchoTheirValues(@TempDir Path dir) throws Exception {
    Path client =
        Files.writeString(
            dir.resolve("client.properties"),
            String.join(
                "\n",
                "sasl.jaas.config=" + JAAS,
                "bootstrap.servers=" + SECRET,
                "=" + SECRET,
                "ssl.truststore.password=" + SECRET));
    ConfigException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            ConfigException.class,
            () ->
                WorkerConfig.load(
                    null,
                    Map.of(),
                    Map.of(
                        "bootstrap-servers",
                        "127.0.0.1:9092",
                        "kafka.config",
                        client.toString(),
                        "kafka.producer.transactional.id",
                        SECRET,
                        "kafka.consumer",
                        SECRET,
                        "batch.max-size",
                        "0")));
    assertEquals(5, e.problems().size(), e.getMessage());
    assertFalse(e.getMessage().contains(SECRET), e.getMessage());
    assertFalse(String.valueOf(e.problems()).contains(SECRET));
  }

  @Test
  void aLoadedConfigurationAndItsPartsPrintNoCredential(@TempDir Path dir) throws Exception {
    Path client =
        Files.writeString(
            dir.resolve("client.properties"),
            "sasl.jaas.config=" + JAAS.replace("\"", "\\\"") + "\nssl.key.password=" + SECRET);
    WorkerConfig c =
        WorkerConfig.load(
            null,
            Map.of(),
            Map.of(
                "bootstrap-servers",
                "127.0.0.1:9092",
                "kafka.config",
                client.toString(),
                "kafka.admin.sasl.client.callback.handler.class.secret",
                SECRET));
    List<Object> printed =
        List.of(
            c,
            c.describe(),
            c.kafkaConsumer(),
            c.kafkaProducer(),
            c.kafkaAdmin(),
            KafkaClientProperties.read(client),
            c.secrets());
    for (Object o : printed) {
      assertFalse(o.toString().contains(SECRET), o.getClass() + ": " + o);
    }
    assertTrue(c.secrets().contains(Secret.of(SECRET)));
    assertEquals(SECRET, c.kafkaConsumer().get("ssl.key.password"));
  }
}
