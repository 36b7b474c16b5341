package io.inceptionstream.broker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Topic administration and reachability checks with a bounded wait: every call gives up after its
 * timeout with a {@link BrokerException} naming the address, instead of retrying forever against a
 * broker that is not there. Stateless and thread-safe; each call uses its own admin client.
 */
public final class Topics {

  /** What {@link #create} did for one topic. */
  public record Result(String topic, boolean created, int partitions) {}

  private Topics() {}

  /**
   * Creates the topics that do not exist yet; existing ones are left as they are.
   *
   * @return one result per distinct name, in the given order, with the topic's partition count
   * @throws BrokerException if the broker is not reachable within {@code timeout}, or refuses to
   *     create a topic (the message names the topic and the reason)
   * @throws IllegalArgumentException for an empty name list, a blank name, or a partition count or
   *     replication factor below 1
   */
  public static List<Result> create(
      String bootstrapServers,
      Collection<String> names,
      int partitions,
      short replicationFactor,
      Duration timeout) {
    return create(bootstrapServers, Map.of(), names, partitions, replicationFactor, timeout);
  }

  /**
   * {@link #create(String, Collection, int, short, Duration)} with admin client properties (for
   * example security settings) applied under the bootstrap address and timeouts set here.
   *
   * @param clientProperties Kafka admin client properties, e.g. the worker's {@code kafka.admin.*}
   */
  public static List<Result> create(
      String bootstrapServers,
      Map<String, String> clientProperties,
      Collection<String> names,
      int partitions,
      short replicationFactor,
      Duration timeout) {
    if (names == null || names.isEmpty()) {
      throw new IllegalArgumentException(
          "Invalid value " + names + " for topics: must name at least one topic");
    }
    for (String n : names) {
      if (n == null || n.isBlank()) {
        throw new IllegalArgumentException(
            "Invalid value '" + n + "' for topic name: must not be blank");
      }
    }
    if (partitions < 1) {
      throw new IllegalArgumentException(
          "Invalid value " + partitions + " for partitions: must be at least 1");
    }
    if (replicationFactor < 1) {
      throw new IllegalArgumentException(
          "Invalid value " + replicationFactor + " for replication factor: must be at least 1");
    }
    long deadline = System.nanoTime() + checkTimeout(timeout).toNanos();
    Set<String> distinct = new LinkedHashSet<>(names);
    List<NewTopic> requested =
        distinct.stream().map(n -> new NewTopic(n, partitions, replicationFactor)).toList();
    String action = "creating topics " + distinct;
    Admin admin = admin(bootstrapServers, clientProperties, timeout);
    try {
      Map<String, KafkaFuture<Void>> created =
          admin
              .createTopics(
                  requested, new CreateTopicsOptions().timeoutMs(remainingMillis(deadline)))
              .values();
      List<String> existing = new ArrayList<>();
      for (String name : distinct) {
        try {
          await(created.get(name), deadline, bootstrapServers, timeout, action);
        } catch (BrokerException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw e;
          }
          existing.add(name);
        }
      }
      Map<String, KafkaFuture<TopicDescription>> described =
          existing.isEmpty()
              ? Map.of()
              : admin
                  .describeTopics(
                      existing, new DescribeTopicsOptions().timeoutMs(remainingMillis(deadline)))
                  .topicNameValues();
      List<Result> results = new ArrayList<>();
      for (String name : distinct) {
        if (existing.contains(name)) {
          TopicDescription d =
              await(
                  described.get(name),
                  deadline,
                  bootstrapServers,
                  timeout,
                  "describing existing topic " + name);
          results.add(new Result(name, false, d.partitions().size()));
        } else {
          results.add(new Result(name, true, partitions));
        }
      }
      awaitLeaders(admin, distinct, deadline, bootstrapServers, timeout);
      return results;
    } finally {
      close(admin);
    }
  }

  /**
   * Returns once a broker at {@code bootstrapServers} answers a metadata request.
   *
   * @throws BrokerException if none answers within {@code timeout}; the message names the address
   */
  public static void awaitReachable(String bootstrapServers, Duration timeout) {
    awaitReachable(bootstrapServers, Map.of(), timeout);
  }

  /**
   * {@link #awaitReachable(String, Duration)} with admin client properties (security settings), so
   * that a secured cluster answers and a wrong credential fails within the timeout.
   */
  public static void awaitReachable(
      String bootstrapServers, Map<String, String> clientProperties, Duration timeout) {
    long deadline = System.nanoTime() + checkTimeout(timeout).toNanos();
    Admin admin = admin(bootstrapServers, clientProperties, timeout);
    try {
      await(
          admin
              .describeCluster(new DescribeClusterOptions().timeoutMs(remainingMillis(deadline)))
              .nodes(),
          deadline,
          bootstrapServers,
          timeout,
          "asking for the cluster's brokers");
    } finally {
      close(admin);
    }
  }

  /** Closes without waiting long for calls still pending after a timeout. */
  private static void close(Admin admin) {
    admin.close(Duration.ofSeconds(1));
  }

  /** An admin client whose every call gives up after {@code timeout}. */
  private static Admin admin(
      String bootstrapServers, Map<String, String> clientProperties, Duration timeout) {
    if (bootstrapServers == null || bootstrapServers.isBlank()) {
      throw new IllegalArgumentException(
          "Invalid value '"
              + bootstrapServers
              + "' for bootstrap.servers: must be host:port[,host:port...]");
    }
    int ms = (int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis()));
    Properties p = new Properties();
    p.putAll(clientProperties);
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(AdminClientConfig.CLIENT_ID_CONFIG, "inception-stream-topics");
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, ms);
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, ms);
    p.put(AdminClientConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MS_CONFIG, (long) Math.min(ms, 10_000));
    p.put(
        AdminClientConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MAX_MS_CONFIG,
        (long) Math.min(ms, 10_000));
    p.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500L);
    try {
      return Admin.create(p);
    } catch (RuntimeException e) {
      throw new BrokerException(
          "Cannot create a Kafka admin client for "
              + bootstrapServers
              + ": "
              + EmbeddedBroker.describe(e),
          e);
    }
  }

  /**
   * Waits for a future until the deadline; every failure becomes a BrokerException naming the
   * address.
   */
  /**
   * Returns once every partition of the topics has a leader in the broker's metadata. Producing to
   * a topic in the moment it is being created can trip the idempotent producer (its first batch
   * lands while the client sees a metadata error, and every retry is then refused as out of
   * sequence), so creation is not finished until the topics are usable.
   */
  private static void awaitLeaders(
      Admin admin,
      Collection<String> names,
      long deadline,
      String bootstrapServers,
      Duration timeout) {
    while (true) {
      Map<String, TopicDescription> d;
      try {
        d =
            await(
                admin
                    .describeTopics(
                        names, new DescribeTopicsOptions().timeoutMs(remainingMillis(deadline)))
                    .allTopicNames(),
                deadline,
                bootstrapServers,
                timeout,
                "waiting for leaders of " + names);
      } catch (BrokerException e) {
        if (!(e.getCause()
            instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException)) {
          throw e;
        }
        // Created, but not yet in this broker's metadata.
        d = null;
      }
      boolean ready =
          d != null
              && d.values().stream()
                  .allMatch(
                      t ->
                          t.partitions().stream()
                              .allMatch(p -> p.leader() != null && !p.leader().isEmpty()));
      if (ready) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new BrokerException(
            "Topics "
                + names
                + " on "
                + bootstrapServers
                + " have partitions without a leader after "
                + timeout.toMillis()
                + " ms");
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new BrokerException("Interrupted while waiting for leaders of " + names, e);
      }
    }
  }

  private static <T> T await(
      KafkaFuture<T> future,
      long deadline,
      String bootstrapServers,
      Duration timeout,
      String action) {
    try {
      // A little past the deadline: the admin client's own timeout fires first and says more.
      return future.get(remainingMillis(deadline) + 200, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw unreachable(bootstrapServers, timeout, action, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BrokerException("Interrupted while " + action + " on " + bootstrapServers, e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof org.apache.kafka.common.errors.TimeoutException) {
        throw unreachable(bootstrapServers, timeout, action, cause);
      }
      throw new BrokerException(
          "Kafka at "
              + bootstrapServers
              + " failed "
              + action
              + ": "
              + EmbeddedBroker.describe(cause),
          cause);
    }
  }

  private static BrokerException unreachable(
      String bootstrapServers, Duration timeout, String action, Throwable cause) {
    return new BrokerException(
        "Kafka at "
            + bootstrapServers
            + " did not answer within "
            + format(timeout)
            + " ("
            + action
            + "); is a broker running there?",
        cause);
  }

  private static Duration checkTimeout(Duration timeout) {
    if (timeout == null || timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException(
          "Invalid value " + timeout + " for timeout: must be positive");
    }
    return timeout;
  }

  private static int remainingMillis(long deadline) {
    return (int)
        Math.max(
            1,
            Math.min(
                Integer.MAX_VALUE, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
  }

  private static String format(Duration d) {
    long ms = d.toMillis();
    return ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
  }
}
