package io.inceptionstream.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The type of a configuration key: how its text is read and how its value is written back. Parsing
 * only reads: surrounding spaces are ignored for numbers, booleans, durations and list entries, and
 * strings are kept exactly as given.
 */
public enum ConfigType {
  /** Any text, kept as given. */
  STRING("string"),
  /** A 32-bit integer. */
  INT("int"),
  /** A 64-bit integer. */
  LONG("long"),
  /** {@code true} or {@code false}, in any case. */
  BOOLEAN("boolean"),
  /** {@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h}, or an integer number of milliseconds. */
  DURATION("duration"),
  /** One of a fixed set of names, kept as given and checked by the key's validator. */
  ENUM("enum"),
  /** Comma-separated strings; an empty text is an empty list. */
  LIST("list"),
  /** A file-system path, or empty for "not set"; not checked against the file system. */
  PATH("path"),
  /** {@code auto} or an integer from 1 to 4096: a {@link BatchSize}. */
  BATCH_SIZE("auto or int"),
  ;

  private final String displayName;

  ConfigType(String displayName) {
    this.displayName = displayName;
  }

  /** The name shown in the reference table. */
  public String displayName() {
    return displayName;
  }

  /**
   * Reads a value of this type.
   *
   * @return a String, Integer, Long, Boolean, Duration, {@code List<String>} or {@link BatchSize}
   * @throws IllegalArgumentException whose message is the rule the text breaks ("must be an
   *     integer")
   */
  public Object parse(String text) {
    return switch (this) {
      case STRING, ENUM, PATH -> text;
      case INT -> parseInteger(text, Integer.MIN_VALUE, Integer.MAX_VALUE).intValue();
      case LONG -> parseInteger(text, Long.MIN_VALUE, Long.MAX_VALUE);
      case BOOLEAN -> parseBoolean(text);
      case DURATION -> Durations.parse(text);
      case LIST -> parseList(text);
      case BATCH_SIZE -> BatchSize.parse(text);
    };
  }

  /** Writes a value of this type the way configuration spells it. */
  public String format(Object value) {
    if (value instanceof Duration d) {
      return Durations.format(d);
    }
    if (value instanceof List<?> list) {
      List<String> parts = new ArrayList<>();
      for (Object o : list) {
        parts.add(String.valueOf(o));
      }
      return String.join(",", parts);
    }
    return String.valueOf(value);
  }

  private static Long parseInteger(String text, long min, long max) {
    String t = text.strip();
    if (!t.matches("[+-]?\\d+")) {
      throw new IllegalArgumentException("must be an integer");
    }
    try {
      long v = Long.parseLong(t);
      if (v >= min && v <= max) {
        return v;
      }
    } catch (NumberFormatException e) {
      // too many digits for a long: reported below like any other overflow
    }
    throw new IllegalArgumentException("must be an integer between " + min + " and " + max);
  }

  private static Boolean parseBoolean(String text) {
    String t = text.strip();
    if (t.equalsIgnoreCase("true")) {
      return Boolean.TRUE;
    }
    if (t.equalsIgnoreCase("false")) {
      return Boolean.FALSE;
    }
    throw new IllegalArgumentException("must be true or false");
  }

  private static List<String> parseList(String text) {
    if (text.isBlank()) {
      return List.of();
    }
    List<String> entries = new ArrayList<>();
    for (String part : text.split(",", -1)) {
      entries.add(part.strip());
    }
    return List.copyOf(entries);
  }
}
