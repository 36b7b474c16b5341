package io.inceptionstream.inference;

import io.inceptionstream.config.CostCurve;
import io.inceptionstream.model.Tap;
import java.util.List;
import java.util.Objects;

/**
 * How the inference path runs: what the {@link Backend} computes and how {@link Classifier} treats
 * its outputs.
 *
 * @param taps embedding taps returned with every batch
 * @param normalize whether {@link Classifier} L2-normalises the embeddings
 * @param engine {@link Engines#MXNET} or {@link Engines#PYTORCH}
 * @param compile on MXNet, run the compiled graph (faster, same outputs) instead of the block op by
 *     op; ignored on other engines
 * @param precision the compiled graph's arithmetic; anything but {@link Precision#FP32} needs the
 *     compiled MXNet graph on the CPU
 * @param standInCost on {@link Engines#STAND_IN}, the time each forward call takes; ignored on real
 *     engines
 */
public record RunnerOptions(
    List<Tap> taps,
    boolean normalize,
    String engine,
    boolean compile,
    Precision precision,
    CostCurve standInCost) {

  public RunnerOptions {
    taps = List.copyOf(taps);
    engine = Engines.canonical(engine);
    Objects.requireNonNull(precision, "precision");
    Objects.requireNonNull(standInCost, "standInCost");
  }

  /** fp32, and a stand-in, if one is used, that costs nothing. */
  public RunnerOptions(List<Tap> taps, boolean normalize, String engine, boolean compile) {
    this(taps, normalize, engine, compile, Precision.FP32, CostCurve.ZERO);
  }

  /** At this precision, with a stand-in that costs nothing. */
  public RunnerOptions(
      List<Tap> taps, boolean normalize, String engine, boolean compile, Precision precision) {
    this(taps, normalize, engine, compile, precision, CostCurve.ZERO);
  }

  /** fp32, with a stand-in that costs this much per forward call. */
  public RunnerOptions(
      List<Tap> taps, boolean normalize, String engine, boolean compile, CostCurve standInCost) {
    this(taps, normalize, engine, compile, Precision.FP32, standInCost);
  }

  /** MXNet, compiled, no taps, no normalisation: what classification alone needs. */
  public static RunnerOptions classifyOnly() {
    return new RunnerOptions(List.of(), false, Engines.MXNET, true);
  }

  /** A copy with other taps. */
  public RunnerOptions withTaps(List<Tap> newTaps) {
    return new RunnerOptions(newTaps, normalize, engine, compile, precision, standInCost);
  }

  /** A copy on another engine. */
  public RunnerOptions withEngine(String newEngine) {
    return new RunnerOptions(taps, normalize, newEngine, compile, precision, standInCost);
  }

  /** A copy with compilation on or off. */
  public RunnerOptions withCompile(boolean newCompile) {
    return new RunnerOptions(taps, normalize, engine, newCompile, precision, standInCost);
  }

  /** A copy at another precision. */
  public RunnerOptions withPrecision(Precision newPrecision) {
    return new RunnerOptions(taps, normalize, engine, compile, newPrecision, standInCost);
  }

  /** A copy whose stand-in costs this much per forward call. */
  public RunnerOptions withStandInCost(CostCurve cost) {
    return new RunnerOptions(taps, normalize, engine, compile, precision, cost);
  }
}
