package io.inceptionstream.cli;

/** A failure reported to the user as one line on stderr with a chosen exit code. */
public class CliException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final int exitCode;

  public CliException(String message) {
    this(message, 1);
  }

  public CliException(String message, int exitCode) {
    super(message);
    this.exitCode = exitCode;
  }

  public CliException(String message, Throwable cause) {
    super(message, cause);
    this.exitCode = 1;
  }

  /** The process exit code for this failure. */
  public int exitCode() {
    return exitCode;
  }
}
