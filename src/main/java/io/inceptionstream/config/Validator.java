package io.inceptionstream.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * The rules a key's typed value must follow, in the spirit of Kafka's {@code ConfigDef.Validator}.
 * Each rule is phrased to follow the key: {@code must be at least 1}. Immutable and thread-safe.
 */
public final class Validator {

  /** Kafka's legal topic names (Kafka's {@code Topic.validate}). */
  static final Pattern TOPIC_NAME = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

  private record Rule(String text, Predicate<Object> test) {}

  private static final Validator ANY = new Validator(List.of(), List.of());

  private final List<Rule> rules;
  private final List<String> description;

  private Validator(List<Rule> rules, List<String> description) {
    this.rules = List.copyOf(rules);
    this.description = List.copyOf(description);
  }

  /** Accepts every value of the key's type. */
  public static Validator any() {
    return ANY;
  }

  /** A single rule: {@code rule} is the text reported when {@code test} rejects a value. */
  public static Validator of(String rule, Predicate<Object> test) {
    return new Validator(List.of(new Rule(rule, test)), List.of(rule));
  }

  /** This validator followed by another rule; values are checked against the rules in order. */
  public Validator and(String rule, Predicate<Object> test) {
    return and(of(rule, test));
  }

  /** This validator followed by another one's rules. */
  public Validator and(Validator other) {
    List<Rule> all = new ArrayList<>(rules);
    all.addAll(other.rules);
    List<String> described = new ArrayList<>(description);
    described.addAll(other.description);
    return new Validator(all, described);
  }

  /** The same rules, documented as one sentence (for ranges: "must be between 1 and 4096"). */
  private Validator describedAs(String text) {
    return new Validator(rules, List.of(text));
  }

  /** The first rule the value breaks, or empty when it follows them all. */
  public Optional<String> violation(Object value) {
    for (Rule r : rules) {
      if (!r.test().test(value)) {
        return Optional.of(r.text());
      }
    }
    return Optional.empty();
  }

  /**
   * The rules as the reference documents them, each phrased to follow the key; empty for {@link
   * #any()}.
   */
  public List<String> description() {
    return description;
  }

  /** An int or long of at least {@code min}. */
  public static Validator atLeast(long min) {
    return of("must be at least " + min, v -> ((Number) v).longValue() >= min);
  }

  /** An int or long of at most {@code max}. */
  public static Validator atMost(long max) {
    return of("must be at most " + max, v -> ((Number) v).longValue() <= max);
  }

  /**
   * An int or long from {@code min} to {@code max}, both included; a value out of range is told the
   * bound it missed ("must be at least 1").
   */
  public static Validator between(long min, long max) {
    return atLeast(min).and(atMost(max)).describedAs("must be between " + min + " and " + max);
  }

  /** A duration of at least {@code min}. */
  public static Validator atLeast(Duration min) {
    return of("must be at least " + Durations.format(min), v -> ((Duration) v).compareTo(min) >= 0);
  }

  /** A duration of at most {@code max}. */
  public static Validator atMost(Duration max) {
    return of("must be at most " + Durations.format(max), v -> ((Duration) v).compareTo(max) <= 0);
  }

  /** A duration from {@code min} to {@code max}, both included. */
  public static Validator between(Duration min, Duration max) {
    return atLeast(min)
        .and(atMost(max))
        .describedAs("must be between " + Durations.format(min) + " and " + Durations.format(max));
  }

  /** A string with at least one non-space character. */
  public static Validator nonBlank() {
    return of("must not be blank", v -> !((String) v).isBlank());
  }

  /** Empty (which the key's documentation gives a meaning) or a string that is not blank. */
  public static Validator emptyOrNonBlank() {
    return of("must be empty or not blank", v -> ((String) v).isEmpty() || !((String) v).isBlank());
  }

  /** A name Kafka accepts for a topic. */
  public static Validator topicName() {
    return of(
        "must be a Kafka topic name: 1 to 249 characters from a-z, A-Z, 0-9, '.', '_' and '-',"
            + " other than '.' and '..'",
        v -> TOPIC_NAME.matcher((String) v).matches() && !v.equals(".") && !v.equals(".."));
  }

  /** One of the given names, exactly. */
  public static Validator oneOf(List<String> names) {
    List<String> copy = List.copyOf(names);
    return of("must be one of " + String.join(", ", copy), copy::contains);
  }

  /** A whole string matching {@code pattern}; {@code rule} says what that means. */
  public static Validator matches(Pattern pattern, String rule) {
    return of(rule, v -> pattern.matcher((String) v).matches());
  }

  /**
   * Every list entry matches {@code pattern}, and no entry repeats; {@code rule} describes an
   * entry.
   */
  public static Validator eachEntry(Pattern pattern, String rule) {
    return of(
            rule, v -> ((List<?>) v).stream().allMatch(e -> pattern.matcher((String) e).matches()))
        .and(
            "must not repeat an entry",
            v -> new HashSet<>((List<?>) v).size() == ((List<?>) v).size());
  }

  /** Empty, or text the platform accepts as a path (the file itself is checked when it is used). */
  public static Validator pathOrEmpty() {
    return of("must be empty or a file-system path", v -> isPath((String) v));
  }

  private static boolean isPath(String text) {
    if (text.isEmpty()) {
      return true;
    }
    if (text.isBlank()) {
      return false;
    }
    try {
      Path.of(text);
      return true;
    } catch (InvalidPathException e) {
      return false;
    }
  }
}
