package io.inceptionstream.cli;

import io.inceptionstream.inference.Devices;
import io.inceptionstream.inference.EngineSetup;
import io.inceptionstream.inference.Engines;
import io.inceptionstream.inference.RunnerOptions;
import io.inceptionstream.model.Tap;
import java.util.List;
import picocli.CommandLine.Option;

/** Options shared by every command that runs the network. */
final class EngineOptions {

  @Option(
      names = "--engine",
      defaultValue = "mxnet",
      description =
          "Deep learning engine: mxnet or pytorch (pytorch needs the -Ppytorch build). Default: ${DEFAULT-VALUE}.")
  String engine;

  @Option(
      names = "--device",
      defaultValue = "auto",
      description = "auto (every GPU, else the CPU), cpu, or gpuN. Default: ${DEFAULT-VALUE}.")
  String device;

  @Option(
      names = "--threads",
      defaultValue = "0",
      description =
          "Native compute threads (OMP_NUM_THREADS); 0 = one per core. An exported OMP_NUM_THREADS wins. Default: ${DEFAULT-VALUE}.")
  int threads;

  @Option(
      names = "--compiled",
      negatable = true,
      defaultValue = "true",
      fallbackValue = "true",
      description =
          "On MXNet, run the compiled graph (same outputs, about 2.5x faster on CPU); --no-compiled runs the block op by op. Default: ${DEFAULT-VALUE}.")
  boolean compiled;

  /** Applies native settings and validates; call before anything loads an engine. */
  String prepare() {
    if (threads < 0) {
      throw new CliException(
          "Invalid value " + threads + " for option --threads: must be 0 or more", 2);
    }
    String canonical;
    try {
      canonical = Engines.canonical(engine);
      Devices.validate(device);
    } catch (IllegalArgumentException e) {
      throw new CliException(e.getMessage(), 2);
    }
    EngineSetup.apply(threads);
    try {
      Engines.requireAvailable(canonical);
    } catch (IllegalArgumentException e) {
      throw new CliException(e.getMessage(), 2);
    }
    return canonical;
  }

  /** Concrete device names: {@code [cpu]} or {@code [gpu0, gpu1, ...]}. */
  List<String> devices(String canonicalEngine) {
    try {
      return Devices.resolveNames(device, canonicalEngine);
    } catch (IllegalArgumentException e) {
      throw new CliException(e.getMessage(), 2);
    }
  }

  RunnerOptions runnerOptions(String canonicalEngine, List<Tap> taps, boolean normalize) {
    return new RunnerOptions(taps, normalize, canonicalEngine, compiled);
  }
}
