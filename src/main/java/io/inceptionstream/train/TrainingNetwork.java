package io.inceptionstream.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.inceptionstream.model.Architecture;
import io.inceptionstream.model.GoogLeNet;
import io.inceptionstream.model.InceptionSpec;
import java.util.List;

/**
 * The training graph: the inference {@link GoogLeNet} (the "trunk", saved on its own) plus, when
 * enabled, the two auxiliary classifiers on the outputs of {@code a4} and {@code d4}. In training
 * mode the forward pass returns {@code [logits, aux1, aux2]}; in evaluation mode only the logits,
 * so the heads never influence predictions. Not thread-safe.
 */
public final class TrainingNetwork extends AbstractBlock {

  private static final byte VERSION = 1;

  /** Modules whose outputs feed the auxiliary heads, as in the GoogLeNet paper (4a and 4d). */
  public static final List<String> AUX_MODULES = List.of("a4", "d4");

  private final GoogLeNet trunk;
  private final Block aux1;
  private final Block aux2;
  private final float dropout;

  /**
   * @param classes number of classes
   * @param auxiliary whether to attach the auxiliary heads
   */
  public TrainingNetwork(int classes, boolean auxiliary) {
    this(classes, auxiliary, AuxiliaryHead.DROPOUT);
  }

  /** With the auxiliary heads' dropout rate chosen (tests compare the two paths at 0). */
  TrainingNetwork(int classes, boolean auxiliary, float dropout) {
    super(VERSION);
    this.dropout = dropout;
    trunk = addChildBlock("trunk", new GoogLeNet(classes, List.of()));
    if (auxiliary) {
      aux1 = addChildBlock("aux1", AuxiliaryHead.create(classes, dropout));
      aux2 = addChildBlock("aux2", AuxiliaryHead.create(classes, dropout));
    } else {
      aux1 = null;
      aux2 = null;
    }
  }

  /** The inference network, sharing its parameters with this block. */
  public GoogLeNet trunk() {
    return trunk;
  }

  /** The auxiliary heads' dropout rate. */
  float dropout() {
    return dropout;
  }

  /** Whether the auxiliary heads are attached. */
  public boolean auxiliary() {
    return aux1 != null;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore parameterStore,
      NDList inputs,
      boolean training,
      PairList<String, Object> params) {
    NDArray[] taps = new NDArray[2];
    NDArray logits =
        trunk.forwardTrunk(
            parameterStore,
            inputs.singletonOrThrow(),
            training,
            params,
            (spec, out) -> {
              int i = AUX_MODULES.indexOf(spec.name());
              if (i >= 0) {
                taps[i] = out;
              }
            });
    if (!training || aux1 == null) {
      return new NDList(logits);
    }
    NDArray a1 = aux1.forward(parameterStore, new NDList(taps[0]), true, params).singletonOrThrow();
    NDArray a2 = aux2.forward(parameterStore, new NDList(taps[1]), true, params).singletonOrThrow();
    return new NDList(logits, a1, a2);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return trunk.getOutputShapes(inputShapes);
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    trunk.initialize(manager, dataType, inputShapes);
    if (aux1 != null) {
      AuxiliaryHead.initialize(aux1, manager, channels(AUX_MODULES.get(0)));
      AuxiliaryHead.initialize(aux2, manager, channels(AUX_MODULES.get(1)));
    }
  }

  private static int channels(String module) {
    return Architecture.module(module).map(InceptionSpec::out).orElseThrow();
  }
}
