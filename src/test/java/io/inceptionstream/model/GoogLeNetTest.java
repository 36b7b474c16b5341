package io.inceptionstream.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import io.inceptionstream.testing.Engines;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class GoogLeNetTest {

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

  private static GoogLeNet network(int classes, List<Tap> taps, long seed) {
    GoogLeNet net = new GoogLeNet(classes, taps);
    net.initialize(manager, DataType.FLOAT32, GoogLeNet.inputShape(1));
    SeededInitializer.initialize(net, seed);
    return net;
  }

  /** Random BN statistics and affine terms, so a BN mistake cannot hide behind identity values. */
  private static void perturbBatchNorm(GoogLeNet net, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    for (Pair<String, Parameter> p : net.getParameters()) {
      Parameter.Type t = p.getValue().getType();
      NDArray a = p.getValue().getArray();
      float[] v = a.toFloatArray();
      switch (t) {
        case GAMMA -> fill(v, () -> 0.5f + (float) r.nextDouble());
        case BETA, BIAS, RUNNING_MEAN -> fill(v, () -> (float) (r.nextDouble() - 0.5) * 0.2f);
        case RUNNING_VAR -> fill(v, () -> 0.5f + (float) r.nextDouble());
        default -> {
          continue;
        }
      }
      a.set(v);
    }
  }

  private static void fill(float[] v, java.util.function.Supplier<Float> s) {
    for (int i = 0; i < v.length; i++) {
      v[i] = s.get();
    }
  }

  @Test
  void hasTheSeedsExactParameterCounts() {
    GoogLeNet net = network(10, List.of(), 1);
    assertEquals(6_166_250L, Networks.trainableParameters(net));
    assertEquals(15_808L, Networks.frozenParameters(net));
    assertEquals(6_166_250L, Complexity.trainableParameters(10));
    assertEquals(15_808L, Complexity.runningStatistics());
  }

  @Test
  void macsMatchTheSeed() {
    assertEquals(1.52e9, Complexity.macs(10), 0.01e9);
  }

  @Test
  void everyModuleProducesTheSeedsOutputShape() {
    GoogLeNet net = network(10, List.of(), 2);
    ParameterStore ps = new ParameterStore(manager, false);
    try (NDManager sub = manager.newSubManager()) {
      NDArray x = sub.randomUniform(0, 1, GoogLeNet.inputShape(2));
      List<Shape> seen = new ArrayList<>();
      NDArray logits =
          net.forwardTrunk(ps, x, false, null, (spec, out) -> seen.add(out.getShape()));
      assertEquals(Architecture.MODULES.size(), seen.size());
      for (int i = 0; i < seen.size(); i++) {
        InceptionSpec m = Architecture.MODULES.get(i);
        assertEquals(new Shape(2, m.out(), m.spatial(), m.spatial()), seen.get(i), m.name());
      }
      assertEquals(new Shape(2, 10), logits.getShape());
    }
    List<Integer> outs = Architecture.MODULES.stream().map(InceptionSpec::out).toList();
    assertEquals(List.of(256, 480, 512, 512, 512, 528, 832, 832, 1024), outs);
  }

  @Test
  void matchesAnIndependentPlainJavaForwardPass() {
    GoogLeNet net = network(10, List.of(), 3);
    perturbBatchNorm(net, 4);
    List<float[]> params = new ArrayList<>();
    for (Pair<String, Parameter> p : net.getParameters()) {
      params.add(p.getValue().getArray().toFloatArray());
    }
    SplittableRandom r = new SplittableRandom(5);
    int n = 2;
    float[] input = new float[n * 3 * 32 * 32];
    fill(input, () -> (float) r.nextGaussian());
    float[] djl;
    try (NDManager sub = manager.newSubManager()) {
      NDArray x = sub.create(input, GoogLeNet.inputShape(n));
      djl = net.forward(new ParameterStore(sub, false), new NDList(x), false).get(0).toFloatArray();
    }
    double scale = 0;
    for (int i = 0; i < n; i++) {
      float[] image = new float[3 * 32 * 32];
      System.arraycopy(input, i * image.length, image, 0, image.length);
      float[] ref = new ReferenceNetwork(params).logits(image, 10);
      for (int c = 0; c < 10; c++) {
        assertEquals(ref[c], djl[i * 10 + c], 1e-3, "image " + i + " class " + c);
        scale = Math.max(scale, Math.abs(ref[c]));
      }
    }
    // The comparison means something only if the logits are not all near zero.
    assertTrue(scale > 1e-2, "logit scale " + scale);
  }

  @Test
  void tapsComeFromTheSameForwardPassAndAreConsistent() {
    List<Tap> taps = new ArrayList<>(List.of(Tap.B5));
    for (int k = 1; k <= 4; k++) {
      taps.add(Tap.parse("b5.branch" + k));
    }
    taps.add(Tap.parse("a4.branch3"));
    GoogLeNet net = network(10, taps, 6);
    perturbBatchNorm(net, 7);
    try (NDManager sub = manager.newSubManager()) {
      NDArray x = sub.randomNormal(GoogLeNet.inputShape(3));
      NDList out = net.forward(new ParameterStore(sub, false), new NDList(x), false);
      assertEquals(1 + taps.size(), out.size());
      NDArray b5 = out.get(1);
      assertEquals(new Shape(3, 1024), b5.getShape());
      // The classifier applied to the b5 tap gives the logits.
      NDArray again =
          net.classifier()
              .forward(new ParameterStore(sub, false), new NDList(b5), false)
              .singletonOrThrow();
      assertArrayEquals(out.get(0).toFloatArray(), again.toFloatArray(), 1e-5f);
      // The four branch taps concatenated are the module tap.
      NDArray joined =
          NDArrays.concat(new NDList(out.get(2), out.get(3), out.get(4), out.get(5)), 1);
      assertArrayEquals(b5.toFloatArray(), joined.toFloatArray(), 1e-6f);
      assertEquals(new Shape(3, 384), out.get(2).getShape());
      assertEquals(new Shape(3, 48), out.get(6).getShape());
    }
  }

  @Test
  void rejectsFewerThanTwoClasses() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new GoogLeNet(1, List.of()));
    assertTrue(e.getMessage().contains("at least 2"), e.getMessage());
  }
}
