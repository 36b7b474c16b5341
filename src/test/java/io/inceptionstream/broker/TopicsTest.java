package io.inceptionstream.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inceptionstream.testing.NoLeaksExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(NoLeaksExtension.class)
class TopicsTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private static EmbeddedBroker broker;

  @BeforeAll
  static void startBroker() {
    broker = EmbeddedBroker.start(0, null);
  }

  @AfterAll
  static void stopBroker() {
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void createsMissingTopicsAndLeavesExistingOnesAsTheyAre() {
    String b = broker.bootstrapServers();
    assertEquals(
        List.of(new Topics.Result("alpha", true, 3), new Topics.Result("beta", true, 3)),
        Topics.create(b, List.of("alpha", "beta"), 3, (short) 1, TIMEOUT));
    assertEquals(
        List.of(new Topics.Result("beta", false, 3), new Topics.Result("gamma", true, 5)),
        Topics.create(b, List.of("beta", "gamma", "gamma"), 5, (short) 1, TIMEOUT),
        "an existing topic is reported with its own partition count, a repeated name once");
  }

  @Test
  void reportsTheBrokersReasonWhenItRefusesATopic() {
    BrokerException e =
        assertThrows(
            BrokerException.class,
            () ->
                Topics.create(
                    broker.bootstrapServers(), List.of("three-replicas"), 1, (short) 3, TIMEOUT));
    assertTrue(
        e.getMessage().contains("three-replicas")
            && e.getMessage().contains("InvalidReplicationFactorException"),
        e.getMessage());
  }

  @Test
  void appliesTheGivenAdminClientProperties() {
    String b = broker.bootstrapServers();
    // The broker speaks PLAINTEXT: an admin client told to use SSL cannot reach it, which shows
    // the properties reach the client (the worker passes its kafka.admin.* settings this way).
    assertThrows(
        BrokerException.class,
        () ->
            Topics.create(
                b,
                Map.of("security.protocol", "SSL"),
                List.of("never-created"),
                1,
                (short) 1,
                Duration.ofSeconds(3)));
    assertEquals(
        List.of(new Topics.Result("plaintext-ok", true, 1)),
        Topics.create(
            b,
            Map.of("security.protocol", "PLAINTEXT"),
            List.of("plaintext-ok"),
            1,
            (short) 1,
            TIMEOUT));
  }

  @Test
  void failsWithinItsTimeoutNamingTheAddressWhenNoBrokerListens() {
    String nowhere = "127.0.0.1:" + ListenerPorts.freePort();
    BrokerException e =
        assertTimeoutPreemptively(
            Duration.ofSeconds(30),
            () ->
                assertThrows(
                    BrokerException.class,
                    () ->
                        Topics.create(nowhere, List.of("x"), 1, (short) 1, Duration.ofSeconds(2))));
    assertTrue(e.getMessage().contains(nowhere) && e.getMessage().contains("2 s"), e.getMessage());
  }

  @Test
  void awaitsAReachableBrokerAndGivesUpOnAnUnreachableOne() {
    Topics.awaitReachable(broker.bootstrapServers(), TIMEOUT);
    String nowhere = "127.0.0.1:" + ListenerPorts.freePort();
    BrokerException e =
        assertTimeoutPreemptively(
            Duration.ofSeconds(30),
            () ->
                assertThrows(
                    BrokerException.class,
                    () -> Topics.awaitReachable(nowhere, Duration.ofMillis(1500))));
    assertTrue(
        e.getMessage().contains(nowhere) && e.getMessage().contains("1500 ms"), e.getMessage());
  }

  @Test
  void rejectsInvalidArgumentsNamingTheValueAndTheRule() {
    String b = broker.bootstrapServers();
    assertEquals(
        "Invalid value 0 for partitions: must be at least 1",
        assertThrows(
                IllegalArgumentException.class,
                () -> Topics.create(b, List.of("t"), 0, (short) 1, TIMEOUT))
            .getMessage());
    assertEquals(
        "Invalid value 0 for replication factor: must be at least 1",
        assertThrows(
                IllegalArgumentException.class,
                () -> Topics.create(b, List.of("t"), 1, (short) 0, TIMEOUT))
            .getMessage());
    assertEquals(
        "Invalid value [] for topics: must name at least one topic",
        assertThrows(
                IllegalArgumentException.class,
                () -> Topics.create(b, List.of(), 1, (short) 1, TIMEOUT))
            .getMessage());
  }
}
