package io.inceptionstream.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The time a device takes for one forward call of {@code n} images, as a fixed cost per call plus a
 * cost per image, written {@code 2ms+20us} ({@code inference.stand-in.cost}). A GPU has this shape:
 * launching a call costs the same however small the batch, so batching amortises it. Immutable.
 *
 * @param perCall time every call costs, however many images it carries
 * @param perImage time each image adds
 */
public record CostCurve(Duration perCall, Duration perImage) {

  /** No cost at all: the stand-in answers at once. */
  public static final CostCurve ZERO = new CostCurve(Duration.ZERO, Duration.ZERO);

  /** The rule a malformed cost breaks, phrased to follow "Invalid value X for configuration K:". */
  public static final String RULE =
      "must be a per-call plus a per-image time such as 2ms+20us (units ns, us, ms or s)";

  private static final String PART = "(\\d+)(ns|us|ms|s)";
  private static final Pattern SYNTAX = Pattern.compile(PART + "\\+" + PART);

  /** Rejects negative parts. */
  public CostCurve {
    if (perCall.isNegative() || perImage.isNegative()) {
      throw new IllegalArgumentException(RULE);
    }
  }

  /**
   * Parses {@code PERCALL+PERIMAGE}; surrounding spaces are ignored.
   *
   * @throws IllegalArgumentException whose message is the rule broken
   */
  public static CostCurve parse(String text) {
    Matcher m = SYNTAX.matcher(text.strip());
    if (!m.matches()) {
      throw new IllegalArgumentException(RULE);
    }
    return new CostCurve(part(m.group(1), m.group(2)), part(m.group(3), m.group(4)));
  }

  /** Whether {@link #parse} accepts the text. */
  public static boolean isValid(String text) {
    try {
      parse(text);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static Duration part(String amount, String unit) {
    try {
      long a = Long.parseLong(amount);
      return switch (unit) {
        case "ns" -> Duration.ofNanos(a);
        case "us" -> Duration.ofNanos(Math.multiplyExact(a, 1_000L));
        case "ms" -> Duration.ofMillis(a);
        case "s" -> Duration.ofSeconds(a);
        default -> throw new AssertionError(unit);
      };
    } catch (NumberFormatException | ArithmeticException e) {
      throw new IllegalArgumentException(RULE + ", and each part at most " + Long.MAX_VALUE, e);
    }
  }

  /** Whether every call is free. */
  public boolean isZero() {
    return perCall.isZero() && perImage.isZero();
  }

  /** Nanoseconds one call of {@code images} images takes, saturating at {@link Long#MAX_VALUE}. */
  public long nanos(int images) {
    try {
      return Math.addExact(perCall.toNanos(), Math.multiplyExact(perImage.toNanos(), images));
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }

  /** The largest images per second a device with this curve reaches at this batch size. */
  public double imagesPerSecond(int batchSize) {
    long n = nanos(batchSize);
    return n == 0 ? Double.POSITIVE_INFINITY : batchSize * 1e9 / n;
  }

  /** The configuration text, {@code 2ms+20us}, in the largest exact unit of each part. */
  @Override
  public String toString() {
    return format(perCall) + "+" + format(perImage);
  }

  private static String format(Duration d) {
    long ns = d.toNanos();
    if (ns % 1_000_000_000L == 0 && ns != 0) {
      return ns / 1_000_000_000L + "s";
    }
    if (ns % 1_000_000L == 0) {
      return ns / 1_000_000L + "ms";
    }
    if (ns % 1_000L == 0) {
      return ns / 1_000L + "us";
    }
    return ns + "ns";
  }
}
