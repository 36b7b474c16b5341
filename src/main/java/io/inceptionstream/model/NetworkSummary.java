package io.inceptionstream.model;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parameter counts read off a real {@link GoogLeNet} block (not the analytic table), optionally
 * with a model directory's parameters loaded, so {@code model info} reports what the engine holds.
 *
 * @param trainable parameters that take gradients
 * @param runningStatistics BatchNorm running means and variances
 * @param perLayer trainable parameters of {@code pre}, each module and {@code fc}
 */
public record NetworkSummary(long trainable, long runningStatistics, Map<String, Long> perLayer) {

  /**
   * Builds the block for {@code classes} on {@code engine} and counts.
   *
   * @param directory loaded and shape-checked when not null
   */
  public static NetworkSummary of(int classes, ModelDirectory directory, String engine)
      throws InvalidModelException {
    try (NDManager manager = NDManager.newBaseManager(Device.cpu(), engine)) {
      GoogLeNet network = new GoogLeNet(classes, List.of());
      if (directory != null) {
        directory.loadParameters(network, manager);
      } else {
        network.initialize(manager, DataType.FLOAT32, GoogLeNet.inputShape(1));
      }
      Map<String, Long> perLayer = new LinkedHashMap<>();
      perLayer.put("pre", Networks.trainableParameters(network.stem()));
      for (Inception m : network.modules()) {
        perLayer.put(m.spec().name(), Networks.trainableParameters(m));
      }
      perLayer.put("fc", Networks.trainableParameters(network.classifier()));
      return new NetworkSummary(
          Networks.trainableParameters(network),
          Networks.frozenParameters(network),
          Map.copyOf(perLayer));
    }
  }
}
