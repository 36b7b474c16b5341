package io.inceptionstream.publish;

import java.util.List;

/**
 * What the outputs say about the model and worker.
 *
 * @param name model name
 * @param version model version
 * @param labels class names
 * @param workerId this worker's id
 * @param topK classes listed per prediction
 */
public record ModelIdentity(
    String name, String version, List<String> labels, String workerId, int topK) {

  public ModelIdentity {
    labels = List.copyOf(labels);
  }
}
