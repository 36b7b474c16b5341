package io.inceptionstream.config;

import java.util.List;

/**
 * One or more configuration problems, reported together: the message holds one problem per line,
 * each naming the key, the value and the rule it breaks.
 */
public class ConfigException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  private final List<String> problems;

  public ConfigException(String problem) {
    this(List.of(problem));
  }

  public ConfigException(List<String> problems) {
    super(String.join("\n", problems));
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("A ConfigException needs at least one problem");
    }
    this.problems = List.copyOf(problems);
  }

  /**
   * The one-line report of a bad value, as Kafka words it: {@code Invalid value 0 for configuration
   * batch.max-size: must be at least 1}. A value that is empty, or starts or ends with a space, is
   * shown in double quotes. The value of a key that may hold a credential ({@link
   * Secret#isSecretProperty}) is shown as {@value Secret#HIDDEN}.
   */
  public static String invalidValue(String key, String value, String rule) {
    if (Secret.isSecretProperty(key)) {
      return "Invalid value " + Secret.HIDDEN + " for configuration " + key + ": " + rule;
    }
    String shown = value.isEmpty() || !value.equals(value.strip()) ? '"' + value + '"' : value;
    return "Invalid value " + shown + " for configuration " + key + ": " + rule;
  }

  /** Every problem found, in the order found; one line each. */
  public List<String> problems() {
    return problems;
  }
}
