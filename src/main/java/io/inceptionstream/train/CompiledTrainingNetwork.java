package io.inceptionstream.train;

import ai.djl.mxnet.engine.MxSymbolBlock;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import io.inceptionstream.inference.SymbolGraph;
import io.inceptionstream.model.Architecture;
import io.inceptionstream.model.InceptionSpec;

/**
 * A {@link TrainingNetwork} compiled into one MXNet CachedOp (trunk and auxiliary heads, static
 * memory plan) on the network's own parameter arrays. Inside a gradient collector MXNet's autograd
 * records the CachedOp as one node and runs its compiled backward pass; the gradients land on the
 * network's arrays, so the trainer's optimizer updates them as it does after the op-by-op forward.
 * BatchNorm follows MXNet's training flag: batch statistics (and running-average updates) while
 * recording, running averages otherwise. Used on the training thread only.
 */
final class CompiledTrainingNetwork {

  private final MxSymbolBlock block;
  private final ParameterStore store;

  /**
   * @param manager the trainer's manager; the compiled block lives as long as it
   */
  CompiledTrainingNetwork(TrainingNetwork network, NDManager manager) {
    SymbolGraph graph = new SymbolGraph(network.getParameters());
    SymbolGraph.Trunk trunk = graph.trunk(graph.input("data"), network.trunk().classes());
    int[] heads;
    if (network.auxiliary()) {
      heads = new int[3];
      for (int i = 0; i < 2; i++) {
        String module = TrainingNetwork.AUX_MODULES.get(i);
        InceptionSpec spec = Architecture.module(module).orElseThrow();
        int tap = trunk.moduleOutputs()[Architecture.MODULES.indexOf(spec)];
        heads[1 + i] =
            AuxiliaryHead.compile(
                graph, tap, network.trunk().classes(), network.dropout(), "aux" + (i + 1));
      }
    } else {
      heads = new int[1];
    }
    heads[0] = trunk.logits();
    block = graph.bind(manager, graph.json(heads));
    // Without a parameter server the store hands out each parameter's own array.
    store = new ParameterStore(manager, false);
  }

  /**
   * The forward pass: {@code [logits, aux1, aux2]} (or {@code [logits]} without heads) when
   * training, the logits alone otherwise, as {@link TrainingNetwork} returns them.
   */
  NDList forward(NDArray images, boolean training) {
    NDList out = block.forward(store, new NDList(images), training);
    return training ? out : new NDList(out.get(0));
  }
}
