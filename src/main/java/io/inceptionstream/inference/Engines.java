package io.inceptionstream.inference;

import ai.djl.engine.Engine;
import java.util.Locale;
import java.util.Set;

/** The engines this build knows: MXNet (default, in the jar) and PyTorch (opt-in build profile). */
public final class Engines {

  public static final String MXNET = "MXNet";
  public static final String PYTORCH = "PyTorch";

  /** The zero-cost stand-in ({@link StandInBackend}), for pipeline benchmarks only. */
  public static final String STAND_IN = "stand-in";

  private Engines() {}

  /**
   * Canonical engine name for {@code mxnet} or {@code pytorch} in any case.
   *
   * @throws IllegalArgumentException naming the accepted values
   */
  public static String canonical(String name) {
    return switch (name.trim().toLowerCase(Locale.ROOT)) {
      case "mxnet" -> MXNET;
      case "pytorch" -> PYTORCH;
      case "stand-in" -> STAND_IN;
      default ->
          throw new IllegalArgumentException(
              "Invalid engine '" + name + "': must be mxnet, pytorch or stand-in");
    };
  }

  /**
   * Checks that an engine is on the class path.
   *
   * @throws IllegalArgumentException with the build profile that adds it
   */
  public static void requireAvailable(String engine) {
    if (STAND_IN.equals(engine)) {
      return;
    }
    Set<String> all = Engine.getAllEngines();
    if (!all.contains(engine)) {
      throw new IllegalArgumentException(
          "Engine "
              + engine
              + " is not in this build (available: "
              + all
              + ")"
              + (PYTORCH.equals(engine) ? "; rebuild with 'mvn -Ppytorch package' to add it" : ""));
    }
  }
}
