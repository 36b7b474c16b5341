package io.inceptionstream.inference;

import java.util.Locale;

/** The arithmetic the compiled MXNet graph runs in on the CPU. */
public enum Precision {
  /** 32-bit floats: the reference. */
  FP32,
  /** bfloat16 casts around the heavy operators (AMP). */
  BF16,
  /** oneDNN int8 with calibrated ranges. */
  INT8;

  /**
   * Parses {@code fp32}, {@code bf16} or {@code int8} in any case.
   *
   * @throws IllegalArgumentException naming the accepted values
   */
  public static Precision parse(String name) {
    return switch (name.trim().toLowerCase(Locale.ROOT)) {
      case "fp32" -> FP32;
      case "bf16" -> BF16;
      case "int8" -> INT8;
      default ->
          throw new IllegalArgumentException(
              "Invalid precision '" + name + "': must be fp32, bf16 or int8");
    };
  }

  /** The name {@link #parse} accepts. */
  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }
}
