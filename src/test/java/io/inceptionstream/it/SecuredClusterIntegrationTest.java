package io.inceptionstream.it;

import static org.apache.kafka.common.acl.AclOperation.DESCRIBE;
import static org.apache.kafka.common.acl.AclOperation.IDEMPOTENT_WRITE;
import static org.apache.kafka.common.acl.AclOperation.READ;
import static org.apache.kafka.common.acl.AclOperation.WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.inceptionstream.broker.Topics;
import io.inceptionstream.testing.ChildCli;
import io.inceptionstream.testing.NoLeaksExtension;
import io.inceptionstream.testing.SecuredKafka;
import io.inceptionstream.testing.TestModels;
import io.inceptionstream.testing.WorkerProcess;
import io.inceptionstream.testing.Workers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The worker, {@code publish} and {@code subscribe} against a secured cluster: a SASL_SSL listener
 * with SCRAM-SHA-512 and the standard authorizer, every command logging in from a {@code
 * --kafka-config} file, the worker's principal holding only the ACLs docs/operations.md lists. The
 * passwords are distinctive, so that the test can tell they are printed nowhere.
 */
@ExtendWith(NoLeaksExtension.class)
class SecuredClusterIntegrationTest {

  private static final String ADMIN_PASSWORD = "S3cr3t-admin-7Qw";
  private static final String WORKER = "worker";
  private static final String WORKER_PASSWORD = "S3cr3t-worker-4Zx";
  private static final String CLIENT = "client";
  private static final String CLIENT_PASSWORD = "S3cr3t-client-9Ky";
  private static final List<String> SECRETS =
      List.of(ADMIN_PASSWORD, WORKER_PASSWORD, CLIENT_PASSWORD);

  @TempDir static Path dir;

  private static SecuredKafka kafka;

  @BeforeAll
  static void startBroker() throws Exception {
    kafka =
        SecuredKafka.start(
            dir, ADMIN_PASSWORD, Map.of(WORKER, WORKER_PASSWORD, CLIENT, CLIENT_PASSWORD));
  }

  @AfterAll
  static void stopBroker() {
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  void atLeastOnceWorkerWithMinimalAclsClassifiesEveryImageAndPrintsNoSecret() throws Exception {
    endToEnd("alo", "at-least-once");
  }

  @Test
  void exactlyOnceWorkerWithMinimalAclsClassifiesEveryImageAndPrintsNoSecret() throws Exception {
    endToEnd("eos", "exactly-once");
  }

  @Test
  void aWrongPasswordFailsFastNamingAuthenticationForWorkerPublishAndSubscribe() throws Exception {
    Path bad =
        kafka.clientConfigFile("wrong", kafka.clientProperties(WORKER, "S3cr3t-wrong-password"));
    String b = kafka.bootstrapServers();
    Duration connect = Duration.ofSeconds(60);

    Map<String, String> flags = workerFlags("wrong", bad);
    flags.put("connect.timeout", "60s");
    long started = System.nanoTime();
    try (WorkerProcess worker = WorkerProcess.start(flags, dir.resolve("logs"))) {
      // The worker checks the cluster before it warms its model: the whole start is fast.
      assertEquals(1, worker.awaitExit(Duration.ofMinutes(2)), worker.tail());
      assertFast(started, connect, "worker:\n" + worker.log());
      assertFalse(worker.log().contains("Worker wrong consuming"), "failed before consuming");
      assertNamesAuthentication(worker.log(), "worker");
      assertNoSecret(worker.log(), "worker output");
    }

    long t0 = System.nanoTime();
    ChildCli.Result pub =
        ChildCli.run(
            dir,
            "publish-wrong",
            Duration.ofMinutes(2),
            "publish",
            "--bootstrap-servers",
            b,
            "--kafka-config",
            bad.toString(),
            "--topic",
            "wrong.images",
            "--shapes",
            "2",
            "--timeout",
            "60s");
    assertEquals(1, pub.code(), pub.err());
    assertFast(t0, connect, "publish");
    assertNamesAuthentication(pub.err(), "publish");
    assertNoSecret(pub.out() + pub.err(), "publish output");

    t0 = System.nanoTime();
    ChildCli.Result sub =
        ChildCli.run(
            dir,
            "subscribe-wrong",
            Duration.ofMinutes(2),
            "subscribe",
            "--bootstrap-servers",
            b,
            "--kafka-config",
            bad.toString(),
            "--topic",
            "wrong.predictions",
            "--max",
            "1",
            "--timeout",
            "60s",
            "--connect-timeout",
            "60s");
    assertEquals(1, sub.code(), sub.err());
    assertFast(t0, connect, "subscribe");
    assertNamesAuthentication(sub.err(), "subscribe");
    assertNoSecret(sub.out() + sub.err(), "subscribe output");
  }

  @Test
  void withoutWriteOnPredictionsTheWorkerStopsNamingTheTopicAndCommitsNothing() throws Exception {
    String p = "nowrite";
    createTopics(p);
    String group = p + "-group";
    List<String> outputs = List.of(p + ".predictions", p + ".embeddings", p + ".dlq");
    for (Acl acl : workerAcls(p + ".images", group, outputs, null)) {
      if (!acl.resource().equals(p + ".predictions")) { // all of the minimal set but this one
        kafka.allow(WORKER, acl.type(), acl.resource(), acl.operation());
      }
    }
    kafka.allow(CLIENT, ResourceType.TOPIC, p + ".images", WRITE);

    Path workerConfig = kafka.clientConfigFile(p + "-worker", kafka.clientProperties(WORKER));
    try (WorkerProcess worker = WorkerProcess.start(workerFlags(p, workerConfig), logs())) {
      worker.awaitReady(Duration.ofMinutes(3));
      ChildCli.Result pub = publish(p, 4);
      assertEquals(0, pub.code(), pub.err());
      assertEquals(1, worker.awaitExit(Duration.ofMinutes(2)), worker.tail());
      String log = worker.log();
      assertTrue(log.contains(p + ".predictions"), "names the topic:\n" + worker.tail());
      assertTrue(
          log.toLowerCase(Locale.ROOT).contains("authoriz"),
          "names authorization:\n" + worker.tail());
      assertNoSecret(log, "worker output");
    }
    try (Admin admin = kafka.admin()) {
      Map<TopicPartition, OffsetAndMetadata> committed =
          admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
      long sum =
          committed.values().stream()
              .filter(o -> o != null)
              .mapToLong(OffsetAndMetadata::offset)
              .sum();
      assertEquals(0, sum, "no offset committed: " + committed);
    }
  }

  private void endToEnd(String p, String delivery) throws Exception {
    int n = 6;
    createTopics(p);
    String group = p + "-group";
    Map<String, String> flags =
        workerFlags(p, kafka.clientConfigFile(p + "-worker", kafka.clientProperties(WORKER)));
    flags.put("delivery", delivery);
    String txn = null;
    if (delivery.equals("exactly-once")) {
      txn = p + "-txn";
      flags.put("exactly-once.transactional-id", txn);
    }
    List<String> outputs = List.of(p + ".predictions", p + ".embeddings", p + ".dlq");
    for (Acl acl : workerAcls(p + ".images", group, outputs, txn)) {
      kafka.allow(WORKER, acl.type(), acl.resource(), acl.operation());
    }
    kafka.allow(CLIENT, ResourceType.TOPIC, p + ".images", WRITE);
    kafka.allow(CLIENT, ResourceType.TOPIC, p + ".predictions", READ);
    kafka.allow(CLIENT, ResourceType.TOPIC, p + ".embeddings", READ);

    try (WorkerProcess worker = WorkerProcess.start(flags, logs())) {
      worker.awaitReady(Duration.ofMinutes(3));
      Path clientConfig = kafka.clientConfigFile(p + "-client", kafka.clientProperties(CLIENT));
      Process subscriber =
          ChildCli.start(
              dir,
              p + "-subscribe",
              "subscribe",
              "--bootstrap-servers",
              kafka.bootstrapServers(),
              "--kafka-config",
              clientConfig.toString(),
              "--topic",
              p + ".predictions",
              "--embeddings",
              "--embeddings-topic",
              p + ".embeddings",
              "--from-beginning",
              "--max",
              Integer.toString(n),
              "--timeout",
              "120s",
              "--format",
              "json");
      ChildCli.Result pub = publish(p, n);
      assertEquals(0, pub.code(), pub.err());
      assertEquals(n, new ObjectMapper().readTree(pub.out()).get("sent").asInt(), pub.out());
      ChildCli.Result sub =
          ChildCli.await(subscriber, dir, p + "-subscribe", Duration.ofMinutes(3));
      assertEquals(0, sub.code(), sub.err());
      Map<String, Integer> seen = new HashMap<>();
      for (String line : sub.out().strip().split("\n")) {
        JsonNode prediction = new ObjectMapper().readTree(line);
        seen.merge(prediction.get("id").asText(), 1, Integer::sum);
      }
      assertEquals(n, seen.size(), "every published image came back: " + seen);
      assertNoSecret(pub.out() + pub.err() + sub.out() + sub.err(), "publish/subscribe output");
      assertNoSecret(worker.metrics(), "/metrics");
      assertEquals(0, worker.terminate(Duration.ofSeconds(60)), worker.tail());
      String log = worker.log();
      assertTrue(log.contains("[hidden]"), "the start-up line hides sasl.jaas.config:\n" + log);
      assertNoSecret(log, "worker output");
    }
  }

  /** One ACL: an operation allowed on a resource. */
  record Acl(ResourceType type, String resource, AclOperation operation) {}

  /**
   * The worker's minimal ACLs, as docs/operations.md lists them: Read on the input topic and on its
   * group, Write on each output topic, IdempotentWrite on the cluster, and for exactly-once Write
   * and Describe on its transactional id.
   *
   * @param transactionalId null for at-least-once
   */
  static List<Acl> workerAcls(
      String input, String group, List<String> outputs, String transactionalId) {
    List<Acl> acls = new ArrayList<>();
    acls.add(new Acl(ResourceType.TOPIC, input, READ));
    acls.add(new Acl(ResourceType.GROUP, group, READ));
    for (String output : outputs) {
      acls.add(new Acl(ResourceType.TOPIC, output, WRITE));
    }
    acls.add(new Acl(ResourceType.CLUSTER, "kafka-cluster", IDEMPOTENT_WRITE));
    if (transactionalId != null) {
      acls.add(new Acl(ResourceType.TRANSACTIONAL_ID, transactionalId, WRITE));
      acls.add(new Acl(ResourceType.TRANSACTIONAL_ID, transactionalId, DESCRIBE));
    }
    return acls;
  }

  private static ChildCli.Result publish(String p, int n) throws Exception {
    Path clientConfig = kafka.clientConfigFile(p + "-publish", kafka.clientProperties(CLIENT));
    return ChildCli.run(
        dir,
        p + "-publish",
        Duration.ofMinutes(2),
        "publish",
        "--bootstrap-servers",
        kafka.bootstrapServers(),
        "--kafka-config",
        clientConfig.toString(),
        "--topic",
        p + ".images",
        "--shapes",
        Integer.toString(n),
        "--seed",
        "5",
        "--json");
  }

  private static Map<String, String> workerFlags(String p, Path kafkaConfig) {
    Map<String, String> flags =
        Workers.baseFlags(kafka.bootstrapServers(), TestModels.random(), p + "-group", p);
    flags.put("kafka.config", kafkaConfig.toString());
    flags.put("topics.input", p + ".images");
    flags.put("topics.predictions", p + ".predictions");
    flags.put("topics.embeddings", p + ".embeddings");
    flags.put("topics.dead-letter", p + ".dlq");
    return flags;
  }

  private static void createTopics(String p) {
    Topics.create(
        kafka.bootstrapServers(),
        kafka.clientProperties(SecuredKafka.ADMIN),
        List.of(p + ".images", p + ".predictions", p + ".embeddings", p + ".dlq"),
        2,
        (short) 1,
        Duration.ofSeconds(60));
  }

  private static Path logs() {
    return dir.resolve("logs");
  }

  private static void assertFast(long t0, Duration connectTimeout, String what) {
    Duration took = Duration.ofNanos(System.nanoTime() - t0);
    assertTrue(
        took.compareTo(connectTimeout.dividedBy(2)) < 0,
        what + " took " + took + ", not well inside the connect timeout " + connectTimeout);
  }

  private static void assertNamesAuthentication(String output, String what) {
    assertTrue(
        output.toLowerCase(Locale.ROOT).contains("authentication"),
        what + " names authentication:\n" + output);
  }

  private static void assertNoSecret(String text, String where) {
    for (String secret : SECRETS) {
      assertFalse(text.contains(secret), "a password appears in " + where + ":\n" + text);
    }
    assertFalse(text.contains("S3cr3t-wrong"), "the wrong password appears in " + where);
  }
}
