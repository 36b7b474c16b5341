package io.inceptionstream.config;

import java.util.Arrays;
import java.util.List;

/** The worker's delivery guarantee, configured by {@code delivery}. */
public enum Delivery {
  /** Offsets are committed after the results are acknowledged; a crash may repeat results. */
  AT_LEAST_ONCE("at-least-once"),
  /** Results and offsets are committed in one Kafka transaction. */
  EXACTLY_ONCE("exactly-once");

  private final String externalName;

  Delivery(String externalName) {
    this.externalName = externalName;
  }

  /** The name used in configuration: {@code at-least-once} or {@code exactly-once}. */
  public String externalName() {
    return externalName;
  }

  /** Every external name, in declaration order. */
  public static List<String> externalNames() {
    return Arrays.stream(values()).map(Delivery::externalName).toList();
  }

  /**
   * The guarantee with this external name (exact match).
   *
   * @throws IllegalArgumentException naming the text and the accepted names
   */
  public static Delivery fromExternalName(String name) {
    for (Delivery d : values()) {
      if (d.externalName.equals(name)) {
        return d;
      }
    }
    throw new IllegalArgumentException(
        "Unknown delivery '" + name + "': must be one of " + String.join(", ", externalNames()));
  }

  @Override
  public String toString() {
    return externalName;
  }
}
