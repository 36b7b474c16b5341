package io.inceptionstream.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * One configuration key: its name, type, default, rule and documentation, as Kafka's {@code
 * ConfigDef.ConfigKey}, typed by the Java value it holds ({@code ConfigKey<Integer>} for an {@code
 * int} key) so that {@link WorkerConfig#get} needs no cast. The default, when there is one, is
 * checked against the type and the rule here, so a bad declaration fails as soon as the class
 * loads. Immutable; keys compare by identity.
 *
 * @param <T> the value's Java type, as {@link ConfigType#parse} returns it for the key's type
 */
public final class ConfigKey<T> {

  /**
   * A {@link ConfigType} with the Java type {@link ConfigType#parse} gives for it, so that a key's
   * declaration fixes the type of its value.
   *
   * @param <T> the value's Java type
   */
  public static final class Kind<T> {
    private final ConfigType type;
    private final Function<Object, T> cast;

    private Kind(ConfigType type, Function<Object, T> cast) {
      this.type = type;
      this.cast = cast;
    }

    /** The configuration type. */
    public ConfigType type() {
      return type;
    }
  }

  /** {@link ConfigType#STRING}. */
  public static final Kind<String> STRING = new Kind<>(ConfigType.STRING, String.class::cast);

  /** {@link ConfigType#ENUM}; the key's validator names the accepted values. */
  public static final Kind<String> ENUM = new Kind<>(ConfigType.ENUM, String.class::cast);

  /** {@link ConfigType#PATH}: the path as written. */
  public static final Kind<String> PATH = new Kind<>(ConfigType.PATH, String.class::cast);

  /** {@link ConfigType#INT}. */
  public static final Kind<Integer> INT = new Kind<>(ConfigType.INT, Integer.class::cast);

  /** {@link ConfigType#LONG}. */
  public static final Kind<Long> LONG = new Kind<>(ConfigType.LONG, Long.class::cast);

  /** {@link ConfigType#BOOLEAN}. */
  public static final Kind<Boolean> BOOLEAN = new Kind<>(ConfigType.BOOLEAN, Boolean.class::cast);

  /** {@link ConfigType#DURATION}. */
  public static final Kind<Duration> DURATION =
      new Kind<>(ConfigType.DURATION, Duration.class::cast);

  /** {@link ConfigType#BATCH_SIZE}. */
  public static final Kind<BatchSize> BATCH_SIZE =
      new Kind<>(ConfigType.BATCH_SIZE, BatchSize.class::cast);

  /** {@link ConfigType#LIST}: an immutable list. */
  public static final Kind<List<String>> LIST = new Kind<>(ConfigType.LIST, ConfigKey::strings);

  private final Kind<T> kind;
  private final String name;
  private final String defaultValue;
  private final Validator validator;
  private final String documentation;

  /**
   * @param kind the key's type
   * @param name the key as written in files and flags, e.g. {@code batch.max-size}
   * @param defaultValue the default as configuration text, or {@code null} when the key is required
   * @param validator the rule the typed value must follow
   * @param documentation one or two sentences for the reference table
   * @throws IllegalArgumentException for a malformed name, a name under {@code kafka.} other than
   *     {@code kafka.config}, or a default that breaks the type or the rule
   */
  public ConfigKey(
      Kind<T> kind, String name, String defaultValue, Validator validator, String documentation) {
    this.kind = Objects.requireNonNull(kind, "kind");
    this.name = Objects.requireNonNull(name, "name");
    this.defaultValue = defaultValue;
    this.validator = Objects.requireNonNull(validator, "validator");
    this.documentation = Objects.requireNonNull(documentation, "documentation");
    ConfigType type = kind.type;
    if (!name.matches("[a-z0-9]+([.-][a-z0-9]+)*")) {
      throw new IllegalArgumentException("Invalid configuration key name '" + name + "'");
    }
    if (name.startsWith(KafkaPassThrough.PREFIX) && !name.equals(KafkaPassThrough.FILE_KEY)) {
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

  /** The key as written in files and flags, e.g. {@code batch.max-size}. */
  public String name() {
    return name;
  }

  /** How the key's text is read. */
  public ConfigType type() {
    return kind.type;
  }

  /** The default as configuration text, or {@code null} when the key is required. */
  public String defaultValue() {
    return defaultValue;
  }

  /** The rule the typed value must follow. */
  public Validator validator() {
    return validator;
  }

  /** One or two sentences for the reference table. */
  public String documentation() {
    return documentation;
  }

  /** Whether the key has no default and must be set. */
  public boolean required() {
    return defaultValue == null;
  }

  /**
   * A value of this key's type as {@code T}; lists become immutable copies.
   *
   * @throws ClassCastException when the value is not of the key's type
   */
  T cast(Object value) {
    return kind.cast.apply(Objects.requireNonNull(value, name));
  }

  /**
   * Reads and checks configuration text.
   *
   * @throws ConfigException naming the key, the text and the rule it breaks
   */
  public T parse(String text) {
    Object typed;
    try {
      typed = kind.type.parse(text);
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
    return cast(typed);
  }

  /**
   * The problem with a typed value, or empty when it follows the rule; a {@code null} value is
   * reported as missing, and a value of another Java type than {@link ConfigType#parse} gives as
   * not of the key's type.
   */
  public Optional<String> problem(Object value) {
    if (value == null) {
      return Optional.of(
          required()
              ? "Missing required configuration " + name + " which has no default value"
              : "Missing value for configuration " + name);
    }
    try {
      cast(value);
    } catch (ClassCastException e) {
      return Optional.of(
          ConfigException.invalidValue(
              name,
              String.valueOf(value),
              "must be of type "
                  + kind.type.displayName()
                  + ", not "
                  + value.getClass().getName()));
    }
    return validator
        .violation(value)
        .map(rule -> ConfigException.invalidValue(name, kind.type.format(value), rule));
  }

  @Override
  public String toString() {
    return name;
  }

  private static List<String> strings(Object value) {
    List<?> list = (List<?>) value;
    for (Object entry : list) {
      if (!(entry instanceof String)) {
        throw new ClassCastException("A list entry is not a string: " + entry);
      }
    }
    @SuppressWarnings("unchecked") // every entry was checked above
    List<String> strings = (List<String>) List.copyOf(list);
    return strings;
  }
}
