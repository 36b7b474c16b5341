package io.inceptionstream.model;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Writes seeded, randomly initialised model directories ({@code model init}). */
public final class ModelInitializer {

  private ModelInitializer() {}

  /** Default labels: {@code class0 … class(N-1)}. */
  public static List<String> defaultLabels(int classes) {
    List<String> labels = new ArrayList<>(classes);
    for (int i = 0; i < classes; i++) {
      labels.add("class" + i);
    }
    return labels;
  }

  /**
   * Creates a model directory whose parameters depend only on {@code seed} and {@code classes}.
   *
   * @param engine the DJL engine used to allocate the parameters (the file is engine-neutral)
   */
  public static ModelDirectory create(
      Path out,
      int classes,
      long seed,
      List<String> labels,
      String name,
      String version,
      String engine)
      throws IOException {
    try (NDManager manager = NDManager.newBaseManager(Device.cpu(), engine)) {
      GoogLeNet network = new GoogLeNet(classes, List.of());
      network.initialize(manager, DataType.FLOAT32, GoogLeNet.inputShape(1));
      SeededInitializer.initialize(network, seed);
      Map<String, Object> provenance = new LinkedHashMap<>();
      provenance.put("method", "random-initialisation");
      provenance.put("seed", seed);
      provenance.put("command", "model init --classes " + classes + " --seed " + seed);
      return ModelDirectory.write(
          out,
          network,
          classes,
          labels,
          name,
          version,
          ModelMetadata.CIFAR_MEAN,
          ModelMetadata.CIFAR_STD,
          provenance);
    }
  }
}
