package io.inceptionstream.testing;

import io.inceptionstream.inference.EngineSetup;

/** Test helper: applies the engine settings once per JVM before any test touches DJL. */
public final class Engines {

  private Engines() {}

  public static void ready() {
    EngineSetup.apply(0);
  }
}
