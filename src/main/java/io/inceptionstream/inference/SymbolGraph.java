package io.inceptionstream.inference;

import ai.djl.mxnet.engine.MxNDManager;
import ai.djl.mxnet.engine.MxSymbolBlock;
import ai.djl.mxnet.engine.Symbol;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inceptionstream.model.Architecture;
import io.inceptionstream.model.InceptionSpec;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes an MXNet symbolic graph (its JSON form) for a DJL block, consuming the block's parameters
 * in declaration order so that each graph argument is bound to exactly the block's own array: the
 * serving graph ({@link MxnetGraph}) and training's graph (trunk plus auxiliary heads) are written
 * with it and run as one MXNet CachedOp. Each builder method appends nodes and returns the id of
 * the node it added. Not thread-safe; one graph per instance.
 */
public final class SymbolGraph {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final ArrayNode nodes = JSON.createArrayNode();
  private final List<Integer> argNodes = new ArrayList<>();
  private final Iterator<Pair<String, Parameter>> parameters;
  private final Map<String, Parameter> bound = new LinkedHashMap<>();

  /**
   * The trunk's node ids.
   *
   * @param features the global-average-pooled features before the classifier
   * @param logits the class scores
   * @param moduleOutputs each Inception module's output, in {@link Architecture#MODULES} order
   */
  public record Trunk(int features, int logits, int[] moduleOutputs) {}

  /**
   * @param parameters the block's parameters, in the order the graph will consume them
   */
  public SymbolGraph(Iterable<Pair<String, Parameter>> parameters) {
    this.parameters = parameters.iterator();
  }

  /** A graph input that is not a parameter, such as {@code data}. */
  public int input(String name) {
    return variable(name);
  }

  /**
   * The seed's GoogLeNet from {@link Architecture}: stem, the nine Inception modules with their
   * pools, global average pool and the fully connected classifier.
   */
  public Trunk trunk(int data, int classes) {
    int x = convBnRelu(data, Architecture.STEM, 3);
    int[] moduleOutputs = new int[Architecture.MODULES.size()];
    for (int i = 0; i < Architecture.MODULES.size(); i++) {
      InceptionSpec s = Architecture.MODULES.get(i);
      int b1 = convBnRelu(x, s.n1(), 1);
      int b2 = convBnRelu(convBnRelu(x, s.r3(), 1), s.n3(), 3);
      int b3 = convBnRelu(convBnRelu(convBnRelu(x, s.r5(), 1), s.n5(), 3), s.n5(), 3);
      int b4 = convBnRelu(maxPool(x, 1), s.pool(), 1);
      x = op("Concat", s.name() + "_concat", Map.of("dim", "1", "num_args", "4"), b1, b2, b3, b4);
      moduleOutputs[i] = x;
      if (Architecture.poolsAfter(s.name())) {
        x = maxPool(x, 2);
      }
    }
    int features = globalAveragePool(x, "features");
    return new Trunk(features, fullyConnected(features, classes, "fc"), moduleOutputs);
  }

  /** Convolution (with bias, "same" padding), BatchNorm (eps 1e-5, momentum 0.9) and ReLU. */
  public int convBnRelu(int input, int filters, int kernel) {
    int pad = kernel / 2;
    int conv =
        op(
            "Convolution",
            "conv" + nodes.size(),
            Map.of(
                "kernel",
                "(" + kernel + ", " + kernel + ")",
                "pad",
                "(" + pad + ", " + pad + ")",
                "num_filter",
                Integer.toString(filters),
                "no_bias",
                "False"),
            input,
            parameter(Parameter.Type.WEIGHT),
            parameter(Parameter.Type.BIAS));
    int bn =
        op(
            "BatchNorm",
            "bn" + nodes.size(),
            Map.of("eps", "1e-05", "momentum", "0.9", "fix_gamma", "False"),
            conv,
            parameter(Parameter.Type.GAMMA),
            parameter(Parameter.Type.BETA),
            parameter(Parameter.Type.RUNNING_MEAN),
            parameter(Parameter.Type.RUNNING_VAR));
    return relu(bn);
  }

  /** 3x3 max pool with padding 1. */
  public int maxPool(int input, int stride) {
    return op(
        "Pooling",
        "pool" + nodes.size(),
        Map.of(
            "kernel", "(3, 3)",
            "stride", "(" + stride + ", " + stride + ")",
            "pad", "(1, 1)",
            "pool_type", "max",
            "pooling_convention", "valid"),
        input);
  }

  /** Average pool without padding, the padding-free border counted as DJL's default does. */
  public int averagePool(int input, int kernel, int stride) {
    return op(
        "Pooling",
        "avgpool" + nodes.size(),
        Map.of(
            "kernel", "(" + kernel + ", " + kernel + ")",
            "stride", "(" + stride + ", " + stride + ")",
            "pad", "(0, 0)",
            "pool_type", "avg",
            "pooling_convention", "valid",
            "count_include_pad", "True"),
        input);
  }

  /** Global average pool, flattened to (n, channels). */
  public int globalAveragePool(int input, String name) {
    int pooled =
        op(
            "Pooling",
            name + "_gap",
            Map.of("kernel", "(1, 1)", "global_pool", "True", "pool_type", "avg"),
            input);
    return flatten(pooled, name);
  }

  /** Flattens to (n, everything else). */
  public int flatten(int input, String name) {
    return op("Flatten", name, Map.of(), input);
  }

  /** A fully connected layer with bias. */
  public int fullyConnected(int input, int units, String name) {
    return op(
        "FullyConnected",
        name,
        Map.of("num_hidden", Integer.toString(units), "no_bias", "False", "flatten", "True"),
        input,
        parameter(Parameter.Type.WEIGHT),
        parameter(Parameter.Type.BIAS));
  }

  /** ReLU. */
  public int relu(int input) {
    return op("Activation", "relu" + nodes.size(), Map.of("act_type", "relu"), input);
  }

  /** Dropout at {@code rate}, active in training only. */
  public int dropout(int input, float rate) {
    return op(
        "Dropout",
        "dropout" + nodes.size(),
        Map.of("p", Float.toString(rate), "mode", "training"),
        input);
  }

  /** Channels {@code [begin, end)} of a (n, channels) node. */
  public int sliceChannels(int input, int begin, int end, String name) {
    return op(
        "slice_axis",
        name,
        Map.of("axis", "1", "begin", Integer.toString(begin), "end", Integer.toString(end)),
        input);
  }

  /**
   * The graph's JSON with these outputs, in order.
   *
   * @throws IllegalStateException if the block has parameters the graph did not consume
   */
  public String json(int... heads) {
    if (parameters.hasNext()) {
      throw new IllegalStateException(
          "Network has parameters the compiled graph does not use: " + parameters.next().getKey());
    }
    ObjectNode root = JSON.createObjectNode();
    root.set("nodes", nodes);
    ArrayNode args = root.putArray("arg_nodes");
    argNodes.forEach(args::add);
    ArrayNode out = root.putArray("heads");
    for (int h : heads) {
      out.add(entry(h));
    }
    ObjectNode attrs = root.putObject("attrs");
    attrs.putArray("mxnet_version").add("int").add(10900);
    return root.toString();
  }

  /** Each graph argument's name and the block parameter it stands for. */
  public Map<String, Parameter> parameters() {
    return Map.copyOf(bound);
  }

  /**
   * A block that runs {@code json} as one MXNet CachedOp (static memory plan) on the parameter
   * arrays this graph consumed, without optimisation passes: training differentiates through it. It
   * shares those arrays and must not outlive them.
   */
  public MxSymbolBlock bind(NDManager manager, String json) {
    Symbol symbol = Symbol.loadJson((MxNDManager) manager, json);
    return MxnetPrecision.bind(manager, symbol, bound);
  }

  /** Takes the block's next parameter, which must be of the type the graph expects here. */
  private int parameter(Parameter.Type expected) {
    if (!parameters.hasNext()) {
      throw new IllegalStateException("Network has fewer parameters than the compiled graph needs");
    }
    Pair<String, Parameter> p = parameters.next();
    if (p.getValue().getType() != expected) {
      throw new IllegalStateException(
          "Parameter "
              + p.getKey()
              + " is "
              + p.getValue().getType()
              + " but the graph expects "
              + expected);
    }
    bound.put(p.getKey(), p.getValue());
    return variable(p.getKey());
  }

  private int variable(String name) {
    ObjectNode node = nodes.addObject();
    node.put("op", "null");
    node.put("name", name);
    node.putArray("inputs");
    argNodes.add(nodes.size() - 1);
    return nodes.size() - 1;
  }

  private int op(String op, String name, Map<String, String> attrs, int... inputs) {
    ObjectNode node = JSON.createObjectNode();
    node.put("op", op);
    node.put("name", name);
    ObjectNode a = node.putObject("attrs");
    attrs.forEach(a::put);
    ArrayNode in = node.putArray("inputs");
    for (int i : inputs) {
      in.add(entry(i));
    }
    nodes.add(node);
    return nodes.size() - 1;
  }

  private static ArrayNode entry(int node) {
    return JSON.createArrayNode().add(node).add(0).add(0);
  }
}
