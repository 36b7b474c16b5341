package io.inceptionstream.train;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParameterList;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Adam, or SGD with momentum, whose per-parameter state (Adam's two moment estimates, SGD's
 * momentum) can be written into a checkpoint and read back, so that a resumed run makes exactly the
 * updates an uninterrupted one would have. DJL's {@code Adam} and {@code Sgd} keep that state
 * private; the update itself is theirs: the same engine kernels ({@code adamUpdate}, {@code
 * sgdUpdate}) with the same arguments and Adam's defaults (beta 0.9 and 0.999, epsilon 1e-8).
 * Called by the trainer's parameter store on the training thread; {@link #save} and {@link #load}
 * on the same thread between steps.
 */
final class ResumableOptimizer extends Optimizer {

  private static final float BETA1 = 0.9f;
  private static final float BETA2 = 0.999f;
  private static final float EPSILON = 1e-8f;
  private static final String FIRST = "first/";
  private static final String SECOND = "second/";

  private final boolean adam;
  private final Tracker learningRate;
  private final float momentum;
  // Keyed by the parameter's id, which is new in every process; save and load translate it to the
  // parameter's name in the network.
  private final Map<String, Map<Device, NDArray>> first = new ConcurrentHashMap<>();
  private final Map<String, Map<Device, NDArray>> second = new ConcurrentHashMap<>();

  private ResumableOptimizer(Builder builder, boolean adam, Tracker learningRate, float momentum) {
    super(builder);
    this.adam = adam;
    this.learningRate = learningRate;
    this.momentum = momentum;
  }

  /**
   * Adam.
   *
   * @param beginNumUpdate updates already made (the first update is number {@code beginNumUpdate +
   *     1}, which both the schedule and Adam's bias correction count from)
   */
  static ResumableOptimizer adam(Tracker learningRate, float weightDecay, int beginNumUpdate) {
    return new ResumableOptimizer(
        new Builder().optWeightDecays(weightDecay).optBeginNumUpdate(beginNumUpdate),
        true,
        learningRate,
        0);
  }

  /** SGD with momentum ({@code 0}: plain SGD, which keeps no state). */
  static ResumableOptimizer sgd(
      Tracker learningRate, float momentum, float weightDecay, int beginNumUpdate) {
    return new ResumableOptimizer(
        new Builder().optWeightDecays(weightDecay).optBeginNumUpdate(beginNumUpdate),
        false,
        learningRate,
        momentum);
  }

  /**
   * What the state is: {@code adam}, {@code sgd-momentum}, or {@code sgd} (plain SGD, no state), so
   * a checkpoint's state is offered only to an optimizer of the same kind.
   */
  String kind() {
    return kind(adam ? "adam" : "sgd", momentum);
  }

  /** The {@link #kind} of {@code --optimizer name --momentum momentum}. */
  static String kind(String name, float momentum) {
    return name.equals("adam") ? "adam" : momentum != 0f ? "sgd-momentum" : "sgd";
  }

  /** Whether there is state to keep: all but plain SGD. */
  boolean hasState() {
    return adam || momentum != 0f;
  }

  @Override
  public void update(String parameterId, NDArray weight, NDArray grad) {
    if (adam) {
      adamUpdate(parameterId, weight, grad);
    } else {
      sgdUpdate(parameterId, weight, grad);
    }
  }

  private void adamUpdate(String parameterId, NDArray weight, NDArray grad) {
    int t = updateCount(parameterId);
    double coef1 = 1.0 - Math.pow(BETA1, t);
    double coef2 = 1.0 - Math.pow(BETA2, t);
    float lr = learningRate.getNewValue(parameterId, t);
    float corrected = (float) (lr * Math.sqrt(coef2) / coef1);
    float weightDecay = getWeightDecay();
    if (!Float.isFinite(corrected) || !Float.isFinite(weightDecay)) {
      throw new IllegalStateException("learning rate or weight decay is nan or infinite");
    }
    NDList inputs =
        new NDList(
            weight,
            grad,
            withDefaultState(first, parameterId, weight.getDevice(), k -> weight.zerosLike()),
            withDefaultState(second, parameterId, weight.getDevice(), k -> weight.zerosLike()));
    weight
        .getNDArrayInternal()
        .adamUpdate(
            inputs,
            new NDList(weight),
            lr,
            corrected,
            weightDecay,
            rescaleGrad,
            clipGrad,
            BETA1,
            BETA2,
            EPSILON,
            true,
            false);
  }

  private void sgdUpdate(String parameterId, NDArray weight, NDArray grad) {
    float weightDecay = getWeightDecay();
    float lr = learningRate.getNewValue(parameterId, updateCount(parameterId));
    NDList inputs =
        momentum == 0f
            ? new NDList(weight, grad)
            : new NDList(
                weight,
                grad,
                withDefaultState(first, parameterId, weight.getDevice(), k -> weight.zerosLike()));
    weight
        .getNDArrayInternal()
        .sgdUpdate(
            inputs, new NDList(weight), lr, weightDecay, rescaleGrad, clipGrad, momentum, true);
  }

  /**
   * Writes the state, each array named after its slot and the parameter's name in {@code
   * parameters}; only for an optimizer that {@link #hasState}.
   */
  void save(ParameterList parameters, OutputStream os) throws IOException {
    if (!hasState()) {
      throw new IllegalStateException("plain SGD has no state to save");
    }
    NDList state = new NDList();
    for (Pair<String, Parameter> p : parameters) {
      add(state, first, FIRST, p);
      add(state, second, SECOND, p);
    }
    state.encode(os);
  }

  private static void add(
      NDList state,
      Map<String, Map<Device, NDArray>> slot,
      String prefix,
      Pair<String, Parameter> p) {
    Map<Device, NDArray> byDevice = slot.get(p.getValue().getId());
    if (byDevice != null) {
      NDArray a = byDevice.values().iterator().next();
      a.setName(prefix + p.getKey());
      state.add(a);
    }
  }

  /**
   * Reads state written by {@link #save} for the same network and optimizer, before the first
   * update; anything that does not fit (another optimizer, a missing or extra parameter, another
   * shape) is refused with what differs. Only for an optimizer that {@link #hasState}.
   *
   * @param manager owns the arrays read; it must stay open for as long as the optimizer updates
   */
  void load(ParameterList parameters, NDManager manager, InputStream is)
      throws MalformedModelException {
    if (!hasState()) {
      throw new IllegalStateException("plain SGD has no state to load");
    }
    Map<String, Parameter> byName = new HashMap<>();
    parameters.forEach(p -> byName.put(p.getKey(), p.getValue()));
    Set<String> expected = new TreeSet<>();
    for (Pair<String, Parameter> p : parameters) {
      if (p.getValue().requiresGradient()) {
        expected.add(FIRST + p.getKey());
        if (adam) {
          expected.add(SECOND + p.getKey());
        }
      }
    }
    NDList state;
    try {
      state = NDList.decode(manager, is);
    } catch (IllegalArgumentException e) {
      throw new MalformedModelException("unreadable optimizer state: " + e.getMessage(), e);
    }
    Set<String> found = new TreeSet<>();
    for (NDArray a : state) {
      found.add(a.getName());
    }
    if (!found.equals(expected)) {
      Set<String> missing = new TreeSet<>(expected);
      missing.removeAll(found);
      Set<String> extra = new TreeSet<>(found);
      extra.removeAll(expected);
      throw new MalformedModelException(
          "optimizer state does not fit this "
              + kind()
              + ": missing "
              + first(missing)
              + ", unexpected "
              + first(extra));
    }
    for (NDArray a : state) {
      String name = a.getName();
      boolean isFirst = name.startsWith(FIRST);
      Parameter p = byName.get(name.substring(isFirst ? FIRST.length() : SECOND.length()));
      if (!a.getShape().equals(p.getArray().getShape())) {
        throw new MalformedModelException(
            "optimizer state "
                + name
                + " has shape "
                + a.getShape()
                + ", the parameter "
                + p.getArray().getShape());
      }
      Map<Device, NDArray> byDevice = new ConcurrentHashMap<>();
      byDevice.put(a.getDevice(), a);
      (isFirst ? first : second).put(p.getId(), byDevice);
    }
  }

  private static String first(Set<String> names) {
    return names.isEmpty()
        ? "none"
        : names.size() + " (" + names.iterator().next() + (names.size() > 1 ? ", ..." : "") + ")";
  }

  /** The base class's options (weight decay, the first update's number). */
  private static final class Builder extends OptimizerBuilder<Builder> {
    @Override
    protected Builder self() {
      return this;
    }
  }
}
