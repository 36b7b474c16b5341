package io.inceptionstream.testing;

import io.inceptionstream.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** Test helper: runs a command line in this JVM and captures stdout, stderr and the exit code. */
public final class Cli {

  /**
   * What a command did.
   *
   * @param code exit code
   * @param out standard output
   * @param err standard error
   */
  public record Run(int code, String out, String err) {}

  private Cli() {}

  public static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = Main.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute(args);
    return new Run(code, out.toString(), err.toString());
  }
}
