package io.inceptionstream.inference;

import ai.djl.mxnet.engine.MxNDManager;
import ai.djl.mxnet.engine.MxSymbolBlock;
import ai.djl.mxnet.engine.Symbol;
import ai.djl.mxnet.jna.JnaUtils;
import ai.djl.mxnet.jna.LibUtils;
import ai.djl.mxnet.jna.MxnetLibrary;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import io.inceptionstream.image.Preprocessor;
import io.inceptionstream.model.GoogLeNet;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The reduced-precision rewrites of the compiled graph, through MXNet's C API (the passes DJL has
 * bindings for but does not call): oneDNN int8 quantisation with naive min/max calibration, as
 * MXNet's {@code quantize_model_mkldnn} does it, and AMP's bf16 cast insertion. CPU only.
 */
final class MxnetPrecision {

  /** MXNet's dtype id for bfloat16 ({@code mshadow::kBfloat16}). */
  private static final int BFLOAT16 = 12;

  private static final int CPU = 1;

  /**
   * Operators left in fp32: the classifier layer (10 outputs, no time to win, and the logits keep
   * their precision).
   */
  private static final String[] EXCLUDED_OPS = {"FullyConnected", "_sg_mkldnn_fully_connected"};

  private static MxnetLibrary lib;

  private MxnetPrecision() {}

  private static synchronized MxnetLibrary lib() {
    if (lib == null) {
      lib = LibUtils.loadLibrary();
    }
    return lib;
  }

  /**
   * The int8 graph: fuse for quantisation, quantise with the parameters offline, calibrate every
   * requantisation on the outputs the fp32 fused graph produces for {@code calibration}, fuse
   * again.
   *
   * @param calibration preprocessed images, {@code n} of them, n x 3 x 32 x 32 floats
   */
  static Symbol int8(
      MxNDManager mx,
      Symbol fp32,
      Map<String, Parameter> parameters,
      float[] calibration,
      int n,
      int calibrationBatch) {
    Pointer fused = subgraph(fp32.getHandle(), "MKLDNN_QUANTIZE");
    try {
      List<String> offline = new ArrayList<>();
      for (String a : JnaUtils.listSymbolArguments(fused)) {
        if (!a.equals("data")) {
          offline.add(a);
        }
      }
      PointerByReference out = new PointerByReference();
      IntBuffer count = IntBuffer.allocate(1);
      PointerByReference names = new PointerByReference();
      check(
          lib()
              .MXQuantizeSymbol(
                  fused,
                  out,
                  new int[] {CPU},
                  0,
                  new String[0],
                  EXCLUDED_OPS.length,
                  EXCLUDED_OPS,
                  offline.size(),
                  offline.toArray(String[]::new),
                  "auto",
                  (byte) 1,
                  "smart",
                  "tensor-wise",
                  count,
                  names));
      Pointer quantized = out.getValue();
      String[] layers =
          count.get(0) == 0 ? new String[0] : names.getValue().getStringArray(0, count.get(0));
      Map<String, float[]> ranges =
          calibration == null
              ? Map.of()
              : ranges(mx, fused, parameters, layers, calibration, n, calibrationBatch);
      String[] keys = ranges.keySet().toArray(String[]::new);
      float[] low = new float[keys.length];
      float[] high = new float[keys.length];
      for (int i = 0; i < keys.length; i++) {
        low[i] = ranges.get(keys[i])[0];
        high[i] = ranges.get(keys[i])[1];
      }
      if (ranges.isEmpty()) {
        Pointer refused = subgraph(quantized, "MKLDNN_QUANTIZE");
        JnaUtils.freeSymbol(quantized);
        return adopt(mx, refused);
      }
      PointerByReference calibrated = new PointerByReference();
      check(
          lib()
              .MXSetCalibTableToQuantizedSymbol(
                  quantized,
                  keys.length,
                  keys,
                  FloatBuffer.wrap(low),
                  FloatBuffer.wrap(high),
                  calibrated));
      JnaUtils.freeSymbol(quantized);
      Pointer refused = subgraph(calibrated.getValue(), "MKLDNN_QUANTIZE");
      JnaUtils.freeSymbol(calibrated.getValue());
      return adopt(mx, refused);
    } finally {
      JnaUtils.freeSymbol(fused);
    }
  }

  /**
   * The bf16 graph: AMP casts around convolutions and fully connected layers, then oneDNN fusion.
   */
  static Symbol bf16(MxNDManager mx, Symbol fp32) {
    PointerByReference out = new PointerByReference();
    String[] target = {"Convolution", "FullyConnected", "Pooling", "BatchNorm", "Activation"};
    String[] widest = {"Concat"};
    check(
        lib()
            .MXReducePrecisionSymbol(
                fp32.getHandle(),
                out,
                1,
                new int[] {0},
                1,
                new int[] {0},
                new int[] {BFLOAT16},
                0,
                target.length,
                0,
                widest.length,
                0,
                0,
                0,
                target,
                new String[0],
                widest,
                new String[0],
                new String[0],
                new String[0],
                new String[0],
                new String[0],
                new String[] {"data"}));
    Symbol amp = adopt(mx, out.getValue());
    return amp.optimizeFor("MKLDNN", ai.djl.Device.cpu());
  }

  /** Min and max of each named output of the fp32 fused graph over the calibration images. */
  private static Map<String, float[]> ranges(
      MxNDManager mx,
      Pointer fused,
      Map<String, Parameter> parameters,
      String[] layers,
      float[] calibration,
      int n,
      int batch) {
    Map<String, float[]> ranges = new LinkedHashMap<>();
    if (layers.length == 0) {
      return ranges;
    }
    Pointer internals = JnaUtils.getSymbolInternals(fused);
    List<String> outputs = Arrays.asList(JnaUtils.listSymbolOutputs(internals));
    List<String> wanted = new ArrayList<>();
    List<Pointer> picked = new ArrayList<>();
    for (String layer : layers) {
      int i = outputs.indexOf(layer);
      if (i < 0) {
        throw new IllegalStateException("Calibration layer " + layer + " is not a graph output");
      }
      wanted.add(layer);
      picked.add(JnaUtils.getSymbolOutput(internals, i));
    }
    PointerByReference group = new PointerByReference();
    Pointer[] handles = picked.toArray(Pointer[]::new);
    PointerByReference array = new PointerByReference();
    Memory mem = new Memory((long) Native.POINTER_SIZE * handles.length);
    mem.write(0, handles, 0, handles.length);
    array.setPointer(mem);
    check(lib().MXSymbolCreateGroup(handles.length, array, group));
    for (Pointer p : picked) {
      JnaUtils.freeSymbol(p);
    }
    JnaUtils.freeSymbol(internals);
    Symbol probe = adopt(mx, group.getValue());
    JnaUtils.freeSymbol(group.getValue());
    try (NDManager scope = mx.newSubManager()) {
      MxSymbolBlock block = bind(scope, probe, parameters);
      ParameterStore store = new ParameterStore(scope, false);
      for (int start = 0; start < n; start += batch) {
        int b = Math.min(batch, n - start);
        try (NDManager step = scope.newSubManager()) {
          NDArray x =
              step.create(
                  FloatBuffer.wrap(
                      calibration, start * Preprocessor.FLOATS, b * Preprocessor.FLOATS),
                  GoogLeNet.inputShape(b));
          NDList out = block.forward(store, new NDList(x), false);
          for (int i = 0; i < wanted.size(); i++) {
            float lo = out.get(i).min().getFloat();
            float hi = out.get(i).max().getFloat();
            ranges.merge(
                wanted.get(i),
                new float[] {lo, hi},
                (a, c) -> new float[] {Math.min(a[0], c[0]), Math.max(a[1], c[1])});
          }
        }
      }
    }
    return ranges;
  }

  /** A block running {@code symbol} on the named parameter arrays. */
  static MxSymbolBlock bind(NDManager manager, Symbol symbol, Map<String, Parameter> parameters) {
    MxSymbolBlock block = new MxSymbolBlock(manager, symbol);
    block.setInputNames(List.of("data"));
    for (Parameter p : block.getAllParameters()) {
      if (p.getName().equals("data")) {
        continue;
      }
      Parameter source = parameters.get(p.getName());
      if (source == null) {
        throw new IllegalStateException("Graph argument " + p.getName() + " has no parameter");
      }
      p.setArray(source.getArray());
    }
    return block;
  }

  private static Pointer subgraph(Pointer symbol, String backend) {
    PointerByReference out = new PointerByReference();
    check(lib().MXGenBackendSubgraph(symbol, backend, out));
    return out.getValue();
  }

  /** A managed copy of a raw symbol handle, by way of its JSON; the caller frees the handle. */
  private static Symbol adopt(MxNDManager mx, Pointer handle) {
    return Symbol.loadJson(mx, JnaUtils.getSymbolString(handle));
  }

  private static void check(int rc) {
    if (rc != 0) {
      throw new IllegalStateException("MXNet: " + lib().MXGetLastError());
    }
  }
}
