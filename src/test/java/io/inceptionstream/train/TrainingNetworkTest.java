package io.inceptionstream.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.inceptionstream.model.GoogLeNet;
import io.inceptionstream.model.Networks;
import io.inceptionstream.testing.Engines;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TrainingNetworkTest {

  private static NDManager manager;

  @BeforeAll
  static void engine() {
    Engines.ready();
    manager = NDManager.newBaseManager(Device.cpu(), "MXNet");
  }

  @AfterAll
  static void close() {
    manager.close();
  }

  @Test
  @SuppressWarnings("try") // the collector only has to be open around the forward pass
  void auxiliaryHeadsExistOnlyInTheTrainingGraph() {
    TrainingNetwork net = new TrainingNetwork(10, true);
    net.initialize(manager, DataType.FLOAT32, GoogLeNet.inputShape(2));
    long all = Networks.trainableParameters(net);
    long trunk = Networks.trainableParameters(net.trunk());
    assertEquals(6_166_250L, trunk, "the inference network alone");
    assertTrue(
        all > trunk + 2 * 2_000_000,
        "two auxiliary heads of about 2.2 M parameters each: " + (all - trunk));
    try (NDManager sub = manager.newSubManager()) {
      NDArray x = sub.randomNormal(GoogLeNet.inputShape(2));
      NDList train;
      // MXNet runs BatchNorm in training mode only while gradients are recorded.
      try (ai.djl.training.GradientCollector gc =
          ai.djl.engine.Engine.getEngine("MXNet").newGradientCollector()) {
        train = net.forward(new ParameterStore(sub, false), new NDList(x), true);
      }
      assertEquals(3, train.size(), "logits and two auxiliary outputs while training");
      for (NDArray a : train) {
        assertEquals(new Shape(2, 10), a.getShape());
      }
      assertEquals(
          1,
          net.forward(new ParameterStore(sub, false), new NDList(x), false).size(),
          "logits only in evaluation");
    }
  }

  @Test
  void withoutAuxiliaryHeadsTheTrainingGraphIsTheInferenceNetwork() {
    TrainingNetwork net = new TrainingNetwork(10, false);
    net.initialize(manager, DataType.FLOAT32, GoogLeNet.inputShape(2));
    assertEquals(6_166_250L, Networks.trainableParameters(net));
  }

  @Test
  void auxiliaryLossAddsEachHeadWeighted() {
    try (NDManager sub = manager.newSubManager()) {
      NDArray labels = sub.create(new float[] {1, 3});
      NDArray main = sub.randomNormal(new Shape(2, 5));
      NDArray a1 = sub.randomNormal(new Shape(2, 5));
      NDArray a2 = sub.randomNormal(new Shape(2, 5));
      AuxiliaryLoss loss = new AuxiliaryLoss(0.3f);
      float only = loss.evaluate(new NDList(labels), new NDList(main)).getFloat();
      float ce1 = loss.evaluate(new NDList(labels), new NDList(a1)).getFloat();
      float ce2 = loss.evaluate(new NDList(labels), new NDList(a2)).getFloat();
      float all = loss.evaluate(new NDList(labels), new NDList(main, a1, a2)).getFloat();
      assertEquals(only + 0.3f * (ce1 + ce2), all, 1e-4);
    }
  }
}
