package io.inceptionstream.cli;

import io.inceptionstream.config.ConfigDocs;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code config reference|show}: the configuration reference, and the effective configuration. */
@Command(
    name = "config",
    mixinStandardHelpOptions = true,
    description = "Describe the worker configuration.",
    subcommands = {ConfigCommand.Reference.class, ConfigCommand.Show.class})
final class ConfigCommand implements Runnable {

  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(
        spec.commandLine(), "Missing subcommand: reference or show");
  }

  @Command(
      name = "reference",
      mixinStandardHelpOptions = true,
      description =
          "Print the configuration reference (Markdown tables) generated from the key declarations.")
  static final class Reference implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
        names = "--update",
        paramLabel = "FILE",
        description =
            "Instead of printing, replace the reference between the config-reference markers of this Markdown file (docs/configuration.md).")
    Path update;

    @Override
    public Integer call() {
      if (update != null) {
        try {
          ConfigDocs.update(update);
        } catch (NoSuchFileException e) {
          throw new CliException("Cannot update " + update + ": no such file", 2);
        } catch (IOException | IllegalArgumentException e) {
          throw new CliException("Cannot update " + update + ": " + Main.describe(e), 2);
        }
        spec.commandLine().getOut().println("Updated the configuration reference in " + update);
        return 0;
      }
      PrintWriter out = spec.commandLine().getOut();
      out.print(ConfigDocs.reference());
      out.flush();
      return 0;
    }
  }

  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description =
          "Load the configuration (defaults, --config file, INCEPTION_STREAM_* environment, --set) and print every effective value, credentials hidden.")
  static final class Show implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin ConfigOptions config;

    @Option(names = "--json", description = "Print one JSON object on stdout.")
    boolean json;

    @Override
    public Integer call() {
      Map<String, String> described = config.load().describe();
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        Json.print(out, described);
      } else {
        described.forEach((key, value) -> out.println(key + " = " + value));
      }
      out.flush();
      return 0;
    }
  }
}
