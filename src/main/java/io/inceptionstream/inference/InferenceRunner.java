package io.inceptionstream.inference;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslateException;
import ai.djl.translate.TranslatorContext;
import io.inceptionstream.model.Architecture;
import io.inceptionstream.model.GoogLeNet;
import io.inceptionstream.model.InvalidModelException;
import io.inceptionstream.model.ModelDirectory;
import io.inceptionstream.model.Tap;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs the network on one device: owns the DJL model and predictor and, per batch, one NDManager
 * that is closed when the batch's outputs have been copied out. Create, use and close it on one
 * thread (DJL predictors are not thread-safe and MXNet wants a fixed thread).
 */
public final class InferenceRunner implements Backend {

  /** Floats per preprocessed image: 3 x 32 x 32. */
  public static final int IMAGE_FLOATS =
      Architecture.CHANNELS * Architecture.SIZE * Architecture.SIZE;

  private final ModelDirectory directory;
  private final List<Tap> taps;
  private final boolean normalize;
  private final Device device;
  private final String engine;
  private final boolean compiled;
  private final Model model;
  private final Predictor<Batch, InferenceResult> predictor;

  /**
   * Loads the model onto a device.
   *
   * @param directory a validated model directory
   * @param options taps, normalisation, engine and whether to compile
   * @param deviceName the concrete device to run on: {@code cpu}, {@code gpu0}, ...
   * @throws InvalidModelException if the parameters do not fit the network
   */
  public InferenceRunner(ModelDirectory directory, RunnerOptions options, String deviceName)
      throws InvalidModelException {
    Device device = Devices.of(deviceName);
    Engines.requireAvailable(options.engine());
    this.directory = directory;
    this.taps = options.taps();
    this.normalize = options.normalize();
    this.device = device;
    this.engine = options.engine();
    this.compiled = options.compile() && Engines.MXNET.equals(engine);
    GoogLeNet network = directory.newNetwork(this.taps);
    Model m = Model.newInstance(directory.metadata().name(), device, engine);
    try {
      m.setBlock(network);
      directory.loadParameters(network, m.getNDManager());
      if (compiled) {
        m.setBlock(MxnetGraph.compile(network, m.getNDManager(), device));
      }
      this.predictor = m.newPredictor(new BatchTranslator(), device);
    } catch (InvalidModelException | RuntimeException e) {
      m.close();
      throw e;
    }
    this.model = m;
  }

  /** The model directory being served. */
  public ModelDirectory directory() {
    return directory;
  }

  /** The device this runner computes on: {@code cpu}, {@code gpu0}, ... */
  public String device() {
    return Devices.name(device);
  }

  /** The engine's name. */
  @Override
  public String engine() {
    return engine;
  }

  /** Whether the MXNet compiled graph runs instead of the block op by op. */
  @Override
  public boolean compiled() {
    return compiled;
  }

  /** The configured taps. */
  public List<Tap> taps() {
    return taps;
  }

  /**
   * Runs one forward pass over {@code n} preprocessed images laid out as n x 3 x 32 x 32 floats at
   * the start of {@code pixels} (the array may be longer and is reused by the caller).
   *
   * @throws InferenceException wrapping any engine failure
   */
  @Override
  public InferenceResult infer(float[] pixels, int n) {
    if (n < 1 || (long) n * IMAGE_FLOATS > pixels.length) {
      throw new IllegalArgumentException(
          "Batch of " + n + " images does not fit " + pixels.length + " floats");
    }
    try {
      return predictor.predict(new Batch(pixels, n));
    } catch (TranslateException | RuntimeException e) {
      throw new InferenceException(
          "Forward pass on "
              + Devices.name(device)
              + " ("
              + engine
              + ") failed for a batch of "
              + n
              + ": "
              + e.getMessage(),
          e);
    }
  }

  /**
   * Runs one batch of zeros for each size so the engine allocates and tunes before real traffic.
   */
  @Override
  public void warmUp(int... batchSizes) {
    int max = 0;
    for (int b : batchSizes) {
      max = Math.max(max, b);
    }
    float[] zeros = new float[max * IMAGE_FLOATS];
    for (int b : batchSizes) {
      infer(zeros, b);
    }
  }

  @Override
  public void close() {
    predictor.close();
    model.close();
  }

  private record Batch(float[] pixels, int n) {}

  /** Copies a batch into one NDArray and the outputs back into Java arrays. */
  private final class BatchTranslator implements NoBatchifyTranslator<Batch, InferenceResult> {

    private int size;

    @Override
    public NDList processInput(TranslatorContext ctx, Batch input) {
      size = input.n();
      FloatBuffer buffer = FloatBuffer.wrap(input.pixels(), 0, input.n() * IMAGE_FLOATS);
      return new NDList(ctx.getNDManager().create(buffer, GoogLeNet.inputShape(input.n())));
    }

    @Override
    public InferenceResult processOutput(TranslatorContext ctx, NDList list) {
      NDArray logitsArray = list.get(0);
      int classes = (int) logitsArray.getShape().get(1);
      float[] logits = logitsArray.toFloatArray();
      float[] probabilities = Scored.softmaxRows(logits, size, classes);
      List<float[]> embeddings = new ArrayList<>(taps.size());
      for (int t = 0; t < taps.size(); t++) {
        float[] values = list.get(t + 1).toFloatArray();
        if (normalize) {
          Scored.normalizeRows(values, size, taps.get(t).dimension());
        }
        embeddings.add(values);
      }
      return new InferenceResult(size, classes, logits, probabilities, taps, embeddings, normalize);
    }
  }
}
