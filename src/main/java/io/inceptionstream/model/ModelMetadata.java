package io.inceptionstream.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * The contents of a model directory's {@code metadata.json}: what the parameters are, how inputs
 * are normalised, and how the model was made. Validated on construction, so a loaded instance is
 * always usable.
 *
 * @param format the directory format, {@link #FORMAT}
 * @param architecture the network, {@link Architecture#NAME}
 * @param name model name, carried on every output record
 * @param version model version, carried on every output record and header
 * @param classes number of classes, equal to the lines of {@code labels.txt}
 * @param inputShape channels, height, width
 * @param mean per-channel mean subtracted from RGB values scaled to 0..1
 * @param std per-channel standard deviation divided after the mean
 * @param parametersFile the parameter file's name inside the directory
 * @param parametersSha256 hex SHA-256 of the parameter file
 * @param parametersBytes size of the parameter file
 * @param trainableParameters trainable parameter count, checked against the loaded network
 * @param createdAt ISO-8601 instant the directory was written
 * @param provenance how the model was made: command, seed, data, epochs, accuracy, log
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ModelMetadata(
    String format,
    String architecture,
    String name,
    String version,
    int classes,
    List<Integer> inputShape,
    List<Float> mean,
    List<Float> std,
    String parametersFile,
    String parametersSha256,
    long parametersBytes,
    long trainableParameters,
    String createdAt,
    Map<String, Object> provenance) {

  /** The only directory format this build reads and writes. */
  public static final String FORMAT = "inception-stream-model/1";

  /** Channel means of CIFAR-10, the default normalisation for new models. */
  public static final List<Float> CIFAR_MEAN = List.of(0.4914f, 0.4822f, 0.4465f);

  /** Channel standard deviations of CIFAR-10. */
  public static final List<Float> CIFAR_STD = List.of(0.2470f, 0.2435f, 0.2616f);

  public ModelMetadata {
    require(FORMAT.equals(format), "format", format, "must be " + FORMAT);
    require(
        Architecture.NAME.equals(architecture),
        "architecture",
        architecture,
        "must be " + Architecture.NAME);
    require(name != null && !name.isBlank(), "name", name, "must not be blank");
    require(version != null && !version.isBlank(), "version", version, "must not be blank");
    require(classes >= 2, "classes", classes, "must be at least 2");
    require(
        List.of(Architecture.CHANNELS, Architecture.SIZE, Architecture.SIZE).equals(inputShape),
        "inputShape",
        inputShape,
        "must be " + List.of(Architecture.CHANNELS, Architecture.SIZE, Architecture.SIZE));
    require(mean != null && mean.size() == 3, "mean", mean, "must have 3 values");
    require(
        std != null && std.size() == 3 && std.stream().allMatch(s -> s > 0),
        "std",
        std,
        "must have 3 positive values");
    require(
        parametersFile != null && !parametersFile.contains("/") && !parametersFile.isBlank(),
        "parametersFile",
        parametersFile,
        "must be a plain file name");
    require(
        parametersSha256 != null && parametersSha256.matches("[0-9a-f]{64}"),
        "parametersSha256",
        parametersSha256,
        "must be 64 lower-case hex digits");
    require(parametersBytes > 0, "parametersBytes", parametersBytes, "must be positive");
    inputShape = List.copyOf(inputShape);
    mean = List.copyOf(mean);
    std = List.copyOf(std);
    provenance = provenance == null ? Map.of() : Map.copyOf(provenance);
  }

  private static void require(boolean ok, String key, Object value, String rule) {
    if (!ok) {
      throw new IllegalArgumentException(
          "Invalid value " + value + " for metadata field " + key + ": " + rule);
    }
  }

  /** Mean as a primitive array in RGB order. */
  public float[] meanArray() {
    return new float[] {mean.get(0), mean.get(1), mean.get(2)};
  }

  /** Standard deviation as a primitive array in RGB order. */
  public float[] stdArray() {
    return new float[] {std.get(0), std.get(1), std.get(2)};
  }
}
