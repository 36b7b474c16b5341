package io.inceptionstream.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code inception-stream} command line: every command is a subcommand of this one. */
@Command(
    name = "inception-stream",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description =
        "Kafka-native GoogLeNet inference: classify Avro images from a topic, publish predictions and embeddings.",
    subcommands = {
      ModelCommand.class,
      BenchCommand.class,
      DatasetCommand.class,
      TrainCommand.class,
      EvalCommand.class,
      PublishCommand.class,
      SubscribeCommand.class,
      ConfigCommand.class,
      BrokerCommand.class,
      TopicsCommand.class,
      WorkerCommand.class,
      DemoCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Runnable {

  @picocli.CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "Missing command: choose one of " + spec.subcommands().keySet());
  }

  /** Runs a command line and returns its exit code, without calling {@code System.exit}. */
  public static int execute(String... args) {
    return commandLine().execute(args);
  }

  /** The configured picocli command line (exception handling, output streams). */
  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Main());
    cl.setExecutionExceptionHandler(
        (ex, commandLine, parseResult) -> {
          PrintWriter err = commandLine.getErr();
          err.println("error: " + describe(ex));
          if (Boolean.getBoolean("inception.stream.debug")) {
            ex.printStackTrace(err);
          }
          err.flush();
          return ex instanceof CliException ce ? ce.exitCode() : 1;
        });
    return cl;
  }

  static String describe(Throwable ex) {
    String message = ex.getMessage();
    return message == null || message.isBlank() ? ex.getClass().getName() : message;
  }

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Reads the version from the jar manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"inception-stream " + (v == null ? "development build" : v)};
    }
  }
}
