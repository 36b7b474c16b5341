package io.inceptionstream.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.RangeAssignor;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

class ConsumerPropertiesTest {

  private static final Duration DRAIN = Duration.ofSeconds(30);

  @Test
  void startsFromTheWorkersDefaults() {
    Map<String, Object> p =
        ConsumerProperties.of(2000, DRAIN, Map.of("group.id", "g")).properties();
    assertEquals("earliest", p.get("auto.offset.reset"));
    assertEquals(CooperativeStickyAssignor.class.getName(), p.get("partition.assignment.strategy"));
    assertEquals("read_committed", p.get("isolation.level"));
    assertEquals("500", p.get("max.poll.records"), "a quarter of 2000, at most 500");
    assertEquals("g", p.get("group.id"));
  }

  @Test
  void userSettingsOverrideTheDefaults() {
    Map<String, Object> p =
        ConsumerProperties.of(
                2000,
                DRAIN,
                Map.of(
                    "auto.offset.reset",
                    "latest",
                    "partition.assignment.strategy",
                    RangeAssignor.class.getName()))
            .properties();
    assertEquals("latest", p.get("auto.offset.reset"));
    assertEquals(RangeAssignor.class.getName(), p.get("partition.assignment.strategy"));
  }

  @Test
  void whatTheLoopReliesOnCannotBeOverridden() {
    Map<String, Object> user = new HashMap<>();
    user.put("enable.auto.commit", "true");
    user.put("key.deserializer", StringDeserializer.class.getName());
    user.put("value.deserializer", StringDeserializer.class.getName());
    Map<String, Object> p = ConsumerProperties.of(100, DRAIN, user).properties();
    assertEquals("false", p.get("enable.auto.commit"));
    assertEquals(ByteArrayDeserializer.class.getName(), p.get("key.deserializer"));
    assertEquals(ByteArrayDeserializer.class.getName(), p.get("value.deserializer"));
  }

  @Test
  void maxPollRecordsStaysAtOrBelowAQuarterOfTheInFlightBound() {
    ConsumerProperties big = ConsumerProperties.of(64, DRAIN, Map.of("max.poll.records", "1000"));
    assertEquals(16, big.maxPollRecords());
    assertEquals("16", big.properties().get("max.poll.records"));
    assertEquals(
        3, ConsumerProperties.of(64, DRAIN, Map.of("max.poll.records", 3)).maxPollRecords());
    assertEquals(1, ConsumerProperties.of(2, DRAIN, Map.of()).maxPollRecords(), "at least one");
    assertEquals(
        1, ConsumerProperties.of(64, DRAIN, Map.of("max.poll.records", "0")).maxPollRecords());
  }

  @Test
  void revocationWaitsTheDrainTimeoutWithinFourFifthsOfTheMaxPollInterval() {
    assertEquals(DRAIN, ConsumerProperties.of(100, DRAIN, Map.of()).revokeWait(), "5 min default");
    assertEquals(
        Duration.ofSeconds(8),
        ConsumerProperties.of(100, DRAIN, Map.of("max.poll.interval.ms", "10000")).revokeWait());
    assertEquals(
        Duration.ofSeconds(8),
        ConsumerProperties.of(100, DRAIN, Map.of("max.poll.interval.ms", 10_000)).revokeWait());
  }

  @Test
  void theDefaultsAloneAreTheWorkersChoices() {
    assertEquals(
        Map.of(
            "auto.offset.reset", "earliest",
            "partition.assignment.strategy", CooperativeStickyAssignor.class.getName(),
            "isolation.level", "read_committed",
            "max.poll.records", "25"),
        ConsumerProperties.defaults(100));
  }

  @Test
  void refusesLimitsThatCannotWork() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new ConsumerProperties(Map.of(), 0, Duration.ZERO));
    assertEquals(
        "Invalid value 0 for configuration max.poll.records: must be at least 1", e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> new ConsumerProperties(Map.of(), 1, Duration.ofMillis(-1)));
  }

  @Test
  void thePropertiesCannotBeChangedAfterwards() {
    ConsumerProperties p = ConsumerProperties.of(100, DRAIN, Map.of());
    assertThrows(UnsupportedOperationException.class, () -> p.properties().put("x", "y"));
  }
}
