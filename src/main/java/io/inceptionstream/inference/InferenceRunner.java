package io.inceptionstream.inference;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslateException;
import ai.djl.translate.TranslatorContext;
import io.inceptionstream.image.Preprocessor;
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

  private final List<Tap> taps;
  private final Device device;
  private final String engine;
  private final boolean compiled;
  private final Model model;
  private final Predictor<PixelBatch, NetworkOutputs> predictor;

  /**
   * Loads the model onto a device.
   *
   * @param directory a validated model directory
   * @param options taps, engine and whether to compile (normalising the taps is {@link
   *     Classifier}'s)
   * @param deviceName the concrete device to run on: {@code cpu}, {@code gpu0}, ...
   * @throws InvalidModelException if the parameters do not fit the network
   */
  public InferenceRunner(ModelDirectory directory, RunnerOptions options, String deviceName)
      throws InvalidModelException {
    this(directory, options, deviceName, null);
  }

  /**
   * Loads the model at int8, calibrating each layer's range on images.
   *
   * @param calibration preprocessed images (n x 3 x 32 x 32 floats, normalised as the model
   *     expects), representative of the traffic
   * @param count how many images {@code calibration} holds
   */
  public InferenceRunner(
      ModelDirectory directory,
      RunnerOptions options,
      String deviceName,
      float[] calibration,
      int count)
      throws InvalidModelException {
    this(directory, options, deviceName, new Calibration(calibration, count));
  }

  /**
   * Loads the model onto a device at the options' precision.
   *
   * @param calibration images int8 calibrates on; may be null otherwise
   */
  InferenceRunner(
      ModelDirectory directory, RunnerOptions options, String deviceName, Calibration calibration)
      throws InvalidModelException {
    Device device = Devices.of(deviceName);
    Engines.requireAvailable(options.engine());
    this.taps = options.taps();
    this.device = device;
    this.engine = options.engine();
    this.compiled = options.compile() && Engines.MXNET.equals(engine);
    Precision precision = options.precision();
    if (precision == Precision.INT8 && calibration == null) {
      // Uncalibrated int8 (ranges found per batch) measured 0.76x fp32: never worth running.
      calibration = storedCalibration(directory);
    }
    if (precision != Precision.FP32 && (!compiled || device.isGpu())) {
      throw new IllegalArgumentException(
          "Precision "
              + precision.key()
              + " needs the compiled MXNet graph on the CPU, not "
              + engine
              + (compiled ? "" : " uncompiled")
              + " on "
              + Devices.name(device));
    }
    GoogLeNet network = directory.newNetwork(this.taps);
    Model m = Model.newInstance(directory.metadata().name(), device, engine);
    try {
      m.setBlock(network);
      directory.loadParameters(network, m.getNDManager());
      if (compiled) {
        m.setBlock(MxnetGraph.compile(network, m.getNDManager(), device, precision, calibration));
      }
      this.predictor = m.newPredictor(new BatchTranslator(), device);
    } catch (InvalidModelException | RuntimeException e) {
      m.close();
      throw e;
    }
    this.model = m;
  }

  /** The model directory's calibration images, normalised as the model expects. */
  private static Calibration storedCalibration(ModelDirectory directory)
      throws InvalidModelException {
    byte[] chw =
        directory
            .calibrationImages()
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "Precision int8 needs calibration images, and "
                            + directory.path()
                            + " has no "
                            + ModelDirectory.CALIBRATION_FILE
                            + ": write them with 'inception-stream model calibrate --model "
                            + directory.path()
                            + " --idx' (or --data DIR, --shapes N)"));
    int n = chw.length / Preprocessor.FLOATS;
    List<Float> mean = directory.metadata().mean();
    List<Float> std = directory.metadata().std();
    Preprocessor pre =
        new Preprocessor(
            new float[] {mean.get(0), mean.get(1), mean.get(2)},
            new float[] {std.get(0), std.get(1), std.get(2)});
    float[] images = new float[n * Preprocessor.FLOATS];
    for (int i = 0; i < n; i++) {
      pre.write(chw, i * Preprocessor.FLOATS, images, i * Preprocessor.FLOATS);
    }
    return new Calibration(images, n);
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
  public NetworkOutputs forward(float[] pixels, int n) {
    if (n < 1 || (long) n * Preprocessor.FLOATS > pixels.length) {
      throw new IllegalArgumentException(
          "Batch of " + n + " images does not fit " + pixels.length + " floats");
    }
    try {
      return predictor.predict(new PixelBatch(pixels, n));
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
    float[] zeros = new float[max * Preprocessor.FLOATS];
    for (int b : batchSizes) {
      forward(zeros, b);
    }
  }

  @Override
  public void close() {
    predictor.close();
    model.close();
  }

  /** The first {@code n} images of a caller's reused buffer. */
  private record PixelBatch(float[] pixels, int n) {}

  /**
   * Copies a batch into one NDArray and the outputs back into Java arrays. Stateless, so the
   * predictor may call it for any batch: the batch size is read back from the logits' shape.
   */
  private final class BatchTranslator implements NoBatchifyTranslator<PixelBatch, NetworkOutputs> {

    @Override
    public NDList processInput(TranslatorContext ctx, PixelBatch input) {
      FloatBuffer buffer = FloatBuffer.wrap(input.pixels(), 0, input.n() * Preprocessor.FLOATS);
      return new NDList(ctx.getNDManager().create(buffer, GoogLeNet.inputShape(input.n())));
    }

    @Override
    public NetworkOutputs processOutput(TranslatorContext ctx, NDList list) {
      NDArray logits = list.get(0);
      int size = (int) logits.getShape().get(0);
      int classes = (int) logits.getShape().get(1);
      List<float[]> values = new ArrayList<>(taps.size());
      for (int t = 0; t < taps.size(); t++) {
        values.add(list.get(t + 1).toFloatArray());
      }
      return new NetworkOutputs(size, classes, logits.toFloatArray(), taps, values);
    }
  }
}
