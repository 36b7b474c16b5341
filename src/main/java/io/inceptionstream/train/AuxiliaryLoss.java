package io.inceptionstream.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.loss.Loss;
import ai.djl.training.loss.SoftmaxCrossEntropyLoss;

/**
 * Softmax cross-entropy on the main logits plus {@code weight} times the cross-entropy of each
 * auxiliary head's scores, as in GoogLeNet (weight 0.3). DJL's own softmax loss reads one output
 * only; this one accepts {@code [logits]} (evaluation) and {@code [logits, aux1, aux2]} (training).
 */
public final class AuxiliaryLoss extends Loss {

  private final float weight;
  private final SoftmaxCrossEntropyLoss ce = new SoftmaxCrossEntropyLoss("ce");

  public AuxiliaryLoss(float weight) {
    super("AuxiliaryLoss");
    this.weight = weight;
  }

  @Override
  public NDArray evaluate(NDList labels, NDList predictions) {
    NDArray loss = ce.evaluate(labels, new NDList(predictions.get(0)));
    for (int i = 1; i < predictions.size(); i++) {
      loss = loss.add(ce.evaluate(labels, new NDList(predictions.get(i))).mul(weight));
    }
    return loss;
  }
}
