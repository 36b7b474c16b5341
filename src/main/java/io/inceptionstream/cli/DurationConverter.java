package io.inceptionstream.cli;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Parses durations written as a number and a unit ({@code 500ms}, {@code 30s}, {@code 2m}, {@code
 * 1h}) or in ISO-8601 ({@code PT30S}). Stateless.
 */
final class DurationConverter implements ITypeConverter<Duration> {

  private static final Pattern SIMPLE = Pattern.compile("(\\d+)\\s*(ms|s|m|h)");

  @Override
  public Duration convert(String value) {
    return parse(value);
  }

  static Duration parse(String value) {
    String v = value.trim();
    Matcher m = SIMPLE.matcher(v);
    try {
      if (m.matches()) {
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
          case "ms" -> Duration.ofMillis(n);
          case "s" -> Duration.ofSeconds(n);
          case "m" -> Duration.ofMinutes(n);
          default -> Duration.ofHours(n);
        };
      }
      return Duration.parse(v);
    } catch (NumberFormatException | ArithmeticException | DateTimeParseException e) {
      throw new TypeConversionException(
          "'"
              + value
              + "' is not a duration: write a number with a unit ms, s, m or h, such as 500ms, 30s or 2m");
    }
  }
}
