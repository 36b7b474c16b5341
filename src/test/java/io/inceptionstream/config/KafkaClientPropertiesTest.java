package io.inceptionstream.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaClientPropertiesTest {

  @TempDir Path dir;

  private Path file(String... lines) throws IOException {
    Path f = dir.resolve("client.properties");
    Files.write(f, List.of(lines), StandardCharsets.UTF_8);
    return f;
  }

  @Test
  void readsAStandardClientPropertiesFileSortedByProperty() throws IOException {
    Path f =
        file(
            "# kafka-topics --command-config client.properties",
            "security.protocol=SASL_SSL",
            "sasl.mechanism = PLAIN",
            "ssl.truststore.location: /etc/kafka/truststore.jks");
    Map<String, String> properties = KafkaClientProperties.read(f);
    assertEquals(
        List.of("sasl.mechanism", "security.protocol", "ssl.truststore.location"),
        List.copyOf(properties.keySet()));
    assertEquals("PLAIN", properties.get("sasl.mechanism"));
    assertEquals("/etc/kafka/truststore.jks", properties.get("ssl.truststore.location"));
    assertThrows(UnsupportedOperationException.class, () -> properties.put("acks", "all"));
  }

  @Test
  void refusesEveryPropertyAnyOfTheThreeClientsGetsFromTheWorker() throws IOException {
    Path f =
        file(
            "value.deserializer=x",
            "enable.idempotence=false",
            "transactional.id=t",
            "client.id=fine",
            "=blank");
    ConfigException e = assertThrows(ConfigException.class, () -> KafkaClientProperties.read(f));
    String in = " in kafka.config file " + f + ": ";
    assertEquals(
        List.of(
            "Invalid property \"\"" + in + "the Kafka property name must not be blank",
            "Invalid property enable.idempotence"
                + in
                + "the worker sets the producer property enable.idempotence itself; choose the guarantee with delivery instead",
            "Invalid property transactional.id"
                + in
                + "the worker sets the producer property transactional.id itself; use exactly-once.transactional-id instead",
            "Invalid property value.deserializer"
                + in
                + "the worker sets the consumer property value.deserializer itself; the wire format fixes it"),
        e.problems());

    List<String> problems = new ArrayList<>();
    assertEquals(Map.of("client.id", "fine"), KafkaClientProperties.read(f, problems));
    assertEquals(e.problems(), problems);
  }

  @Test
  void reportsAFileThatCannotBeReadByKeyAndPath() throws IOException {
    Path missing = dir.resolve("nowhere.properties");
    ConfigException e =
        assertThrows(ConfigException.class, () -> KafkaClientProperties.read(missing));
    assertEquals(
        List.of("Cannot read kafka.config file " + missing + ": no such file"), e.problems());

    Path malformed = Files.writeString(dir.resolve("malformed.properties"), "a=\\uZZZZ\n");
    e = assertThrows(ConfigException.class, () -> KafkaClientProperties.read(malformed));
    assertTrue(
        e.getMessage().startsWith("Cannot read kafka.config file " + malformed + ": "),
        e.getMessage());
  }

  @Test
  void readsAFileThatIsNotUtf8AsIso88591() throws IOException {
    Path f = dir.resolve("latin1.properties");
    Files.write(f, "client.id=caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
    assertEquals(Map.of("client.id", "caf\u00e9"), KafkaClientProperties.read(f));
  }
}
