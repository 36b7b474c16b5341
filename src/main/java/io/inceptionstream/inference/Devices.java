package io.inceptionstream.inference;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Parses device names: {@code auto} (every GPU the engine sees, else the CPU), {@code cpu}, {@code
 * gpu0}…
 */
public final class Devices {

  private Devices() {}

  /** Checks the syntax without loading an engine. */
  public static void validate(String name) {
    String n = name.trim().toLowerCase(Locale.ROOT);
    if (!n.equals("auto") && !n.equals("cpu") && !n.matches("gpu\\d+")) {
      throw new IllegalArgumentException(
          "Invalid device '" + name + "': must be auto, cpu or gpuN (gpu0, gpu1, ...)");
    }
  }

  /**
   * Resolves a device name for an engine.
   *
   * @throws IllegalArgumentException for a malformed name or a GPU the engine does not have
   */
  public static List<Device> resolve(String name, String engineName) {
    validate(name);
    return resolve(name, engineName, Engine.getEngine(engineName).getGpuCount());
  }

  /**
   * Resolves a device name given how many GPUs the engine sees: {@code auto} is all of them, or the
   * CPU when there are none. The same rule for every engine; only the count is the engine's.
   */
  static List<Device> resolve(String name, String engineName, int gpus) {
    validate(name);
    String n = name.trim().toLowerCase(Locale.ROOT);
    if (n.equals("cpu")) {
      return List.of(Device.cpu());
    }
    if (n.equals("auto")) {
      if (gpus == 0) {
        return List.of(Device.cpu());
      }
      List<Device> all = new ArrayList<>();
      for (int i = 0; i < gpus; i++) {
        all.add(Device.gpu(i));
      }
      return all;
    }
    int id = Integer.parseInt(n.substring(3));
    if (id >= gpus) {
      throw new IllegalArgumentException(
          "Device " + name + " not available: engine " + engineName + " sees " + gpus + " GPU(s)");
    }
    return List.of(Device.gpu(id));
  }

  /**
   * Resolves a device name to the concrete device names it stands for, for example {@code auto} to
   * {@code [gpu0, gpu1]} or {@code [cpu]}.
   */
  public static List<String> resolveNames(String name, String engineName) {
    if (Engines.STAND_IN.equals(engineName)) {
      validate(name);
      return List.of("cpu");
    }
    return resolve(name, engineName).stream().map(Devices::name).toList();
  }

  /** The device for a concrete name ({@code cpu}, {@code gpu0}). */
  static Device of(String concrete) {
    validate(concrete);
    String n = concrete.trim().toLowerCase(Locale.ROOT);
    if (n.equals("auto")) {
      throw new IllegalArgumentException("Device 'auto' must be resolved first");
    }
    return n.equals("cpu") ? Device.cpu() : Device.gpu(Integer.parseInt(n.substring(3)));
  }

  /** The short name used in logs and benchmark output: {@code cpu} or {@code gpu0}. */
  public static String name(Device device) {
    return device.isGpu() ? "gpu" + device.getDeviceId() : "cpu";
  }
}
