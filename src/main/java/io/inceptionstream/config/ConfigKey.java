package io.inceptionstream.config;

import java.util.Objects;
import java.util.Optional;

/**
 * One configuration key: its name, type, default, rule and documentation, as Kafka's {@code
 * ConfigDef.ConfigKey}. The default, when there is one, is checked against the type and the rule
 * here, so a bad declaration fails as soon as the class loads.
 *
 * @param name the key as written in files and flags, e.g. {@code batch.max-size}
 * @param type how the text is read
 * @param defaultValue the default as configuration text, or {@code null} when the key is required
 * @param validator the rule the typed value must follow
 * @param documentation one or two sentences for the reference table
 */
public record ConfigKey(
    String name, ConfigType type, String defaultValue, Validator validator, String documentation) {

  public ConfigKey {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(validator, "validator");
    Objects.requireNonNull(documentation, "documentation");
    if (!name.matches("[a-z0-9]+([.-][a-z0-9]+)*")) {
      throw new IllegalArgumentException("Invalid configuration key name '" + name + "'");
    }
    if (name.startsWith(KafkaPassThrough.PREFIX)) {
      throw new IllegalArgumentException("Key " + name + " would shadow the Kafka pass-through");
    }
    if (defaultValue != null) {
      Object typed;
      try {
        typed = type.parse(defaultValue);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            ConfigException.invalidValue(name, defaultValue, e.getMessage())
                + " (the declared default)");
      }
      Optional<String> broken = validator.violation(typed);
      if (broken.isPresent()) {
        throw new IllegalArgumentException(
            ConfigException.invalidValue(name, defaultValue, broken.get())
                + " (the declared default)");
      }
    }
  }

  /** Whether the key has no default and must be set. */
  public boolean required() {
    return defaultValue == null;
  }

  /**
   * Reads and checks configuration text.
   *
   * @throws ConfigException naming the key, the text and the rule it breaks
   */
  public Object parse(String text) {
    Object typed;
    try {
      typed = type.parse(text);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(ConfigException.invalidValue(name, text, e.getMessage()));
    }
    // the message quotes the text as written, not as it would be written back (999, not 999ms)
    validator
        .violation(typed)
        .ifPresent(
            rule -> {
              throw new ConfigException(ConfigException.invalidValue(name, text, rule));
            });
    return typed;
  }

  /**
   * The problem with a typed value, or empty when it follows the rule; a {@code null} value is
   * reported as missing.
   */
  public Optional<String> problem(Object value) {
    if (value == null) {
      return Optional.of(
          required()
              ? "Missing required configuration " + name + " which has no default value"
              : "Missing value for configuration " + name);
    }
    return validator
        .violation(value)
        .map(rule -> ConfigException.invalidValue(name, type.format(value), rule));
  }
}
