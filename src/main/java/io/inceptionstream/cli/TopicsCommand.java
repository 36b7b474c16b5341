package io.inceptionstream.cli;

import io.inceptionstream.broker.BrokerException;
import io.inceptionstream.broker.Topics;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code topics create}: creates the pipeline's topics (or any others); existing ones are kept. */
@Command(
    name = "topics",
    mixinStandardHelpOptions = true,
    description = "Manage Kafka topics.",
    subcommands = {TopicsCommand.Create.class})
final class TopicsCommand implements Runnable {

  /** The topics the pipeline reads and writes. */
  static final List<String> DEFAULT_TOPICS =
      List.of("images", "predictions", "embeddings", "images.dlq");

  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(
        spec.commandLine(), "Missing subcommand: create");
  }

  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      description =
          "Create topics that do not exist yet; existing topics are left unchanged and reported.")
  static final class Create implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
        names = "--bootstrap-servers",
        required = true,
        description = "Kafka bootstrap servers, host:port[,host:port...]. Required, no default.")
    String bootstrapServers;

    @Option(
        names = "--partitions",
        defaultValue = "6",
        description = "Partitions of each new topic. Default: ${DEFAULT-VALUE}.")
    int partitions;

    @Option(
        names = "--replication-factor",
        defaultValue = "1",
        description = "Replicas of each partition of a new topic. Default: ${DEFAULT-VALUE}.")
    short replicationFactor;

    @Option(
        names = "--timeout",
        defaultValue = "30s",
        converter = DurationConverter.class,
        description =
            "How long to wait for the broker, such as 500ms, 30s or 2m. Default: ${DEFAULT-VALUE}.")
    Duration timeout;

    @Parameters(
        paramLabel = "TOPIC",
        arity = "0..*",
        description = "Topics to create. Default: images, predictions, embeddings, images.dlq.")
    List<String> topics;

    @Mixin KafkaConfigOption kafkaConfig;

    @Override
    public Integer call() {
      List<String> names = topics == null || topics.isEmpty() ? DEFAULT_TOPICS : topics;
      List<Topics.Result> results;
      try {
        results =
            Topics.create(
                bootstrapServers,
                kafkaConfig.properties(),
                names,
                partitions,
                replicationFactor,
                timeout);
      } catch (IllegalArgumentException e) {
        throw new CliException(e.getMessage(), 2);
      } catch (BrokerException e) {
        throw new CliException(e.getMessage(), 1);
      }
      PrintWriter out = spec.commandLine().getOut();
      for (Topics.Result r : results) {
        if (r.created()) {
          out.printf(
              "created %s (%d partitions, replication factor %d)%n",
              r.topic(), r.partitions(), replicationFactor);
        } else {
          out.printf("exists  %s (%d partitions)%n", r.topic(), r.partitions());
        }
      }
      out.flush();
      return 0;
    }
  }
}
