package io.inceptionstream.cli;

import io.inceptionstream.broker.BrokerException;
import io.inceptionstream.broker.BrokerMain;
import java.nio.file.Path;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code broker}: a single-node Kafka broker in the foreground, for the demo and local use. */
@Command(
    name = "broker",
    mixinStandardHelpOptions = true,
    description = {
      "Run a single-node Kafka broker (KRaft, broker and controller in one) on 127.0.0.1 until Ctrl-C or SIGTERM.",
      "Prints one line, bootstrap.servers=127.0.0.1:PORT, on stdout once clients can connect; logs go to stderr."
    })
final class BrokerCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--port",
      defaultValue = "9092",
      description =
          "Client port on 127.0.0.1; 0 picks a free port (or reuses the one saved in --data-dir). Default: ${DEFAULT-VALUE}.")
  int port;

  @Option(
      names = "--data-dir",
      description =
          "Data directory; a restart on the same directory keeps topics, records and ports. Default: a temporary directory deleted on exit.")
  Path dataDir;

  @Override
  public Integer call() {
    try {
      BrokerMain.runUntilStopped(port, dataDir, OptionalLong.empty(), spec.commandLine().getOut());
    } catch (IllegalArgumentException e) {
      throw new CliException(e.getMessage(), 2);
    } catch (BrokerException e) {
      throw new CliException(e.getMessage(), 1);
    }
    return 0;
  }
}
