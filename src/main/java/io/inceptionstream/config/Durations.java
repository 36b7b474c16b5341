package io.inceptionstream.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and writes durations the way configuration spells them: {@code 500ms}, {@code 30s}, {@code
 * 2m}, {@code 1h}, or a plain integer meaning milliseconds.
 */
public final class Durations {

  /**
   * The rule a malformed duration breaks, phrased to follow "Invalid value X for configuration K:".
   */
  public static final String RULE =
      "must be a duration such as 500ms, 30s, 2m or 1h (a plain integer means milliseconds)";

  private static final Pattern SYNTAX = Pattern.compile("(\\d+)(ms|s|m|h)?");

  private Durations() {}

  /**
   * Parses a duration; surrounding spaces are ignored.
   *
   * @throws IllegalArgumentException whose message is the rule broken
   */
  public static Duration parse(String text) {
    Matcher m = SYNTAX.matcher(text.strip());
    if (!m.matches()) {
      throw new IllegalArgumentException(RULE);
    }
    try {
      long amount = Long.parseLong(m.group(1));
      String unit = m.group(2) == null ? "ms" : m.group(2);
      return switch (unit) {
        case "ms" -> Duration.ofMillis(amount);
        case "s" -> Duration.ofSeconds(amount);
        case "m" -> Duration.ofMinutes(amount);
        case "h" -> Duration.ofHours(amount);
        default -> throw new AssertionError(unit);
      };
    } catch (NumberFormatException | ArithmeticException e) {
      throw new IllegalArgumentException(RULE + ", and at most " + Long.MAX_VALUE + "ms", e);
    }
  }

  /**
   * Writes a duration in the largest unit that represents it exactly ({@code 50ms}, {@code 30s},
   * {@code 2m}, {@code 1h}); durations that are not whole milliseconds, or negative, fall back to
   * ISO-8601 ({@code PT0.0000005S}) so nothing is rounded away.
   */
  public static String format(Duration d) {
    if (d.isNegative() || d.getNano() % 1_000_000 != 0) {
      return d.toString();
    }
    long ms;
    try {
      ms = d.toMillis();
    } catch (ArithmeticException e) {
      return d.toString();
    }
    if (ms == 0) {
      return "0ms";
    }
    if (ms % 3_600_000 == 0) {
      return ms / 3_600_000 + "h";
    }
    if (ms % 60_000 == 0) {
      return ms / 60_000 + "m";
    }
    if (ms % 1_000 == 0) {
      return ms / 1_000 + "s";
    }
    return ms + "ms";
  }
}
