package io.inceptionstream.model;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A model directory: {@code model.params} (DJL's engine-neutral parameter stream of the {@link
 * GoogLeNet} block), {@code labels.txt} (one class name a line) and {@code metadata.json} ({@link
 * ModelMetadata}). {@link #open} checks everything a file can get wrong before any engine work;
 * {@link #loadParameters} then checks every parameter's shape against the network.
 *
 * @param path the directory
 * @param metadata the validated metadata
 * @param labels class names, one per class
 */
public record ModelDirectory(Path path, ModelMetadata metadata, List<String> labels) {

  public static final String METADATA_FILE = "metadata.json";
  public static final String LABELS_FILE = "labels.txt";
  public static final String PARAMETERS_FILE = "model.params";

  /**
   * Optional: images int8 inference calibrates on, as 8-bit channel-first 3x32x32 pixels one after
   * another (before normalisation), written by {@code model calibrate}.
   */
  public static final String CALIBRATION_FILE = "calibration.bin";

  /** Bytes of one calibration image. */
  public static final int CALIBRATION_IMAGE_BYTES = 3 * Architecture.SIZE * Architecture.SIZE;

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  public ModelDirectory {
    labels = List.copyOf(labels);
  }

  /**
   * Reads and validates a model directory without touching an engine.
   *
   * @throws InvalidModelException naming the file and the problem
   */
  public static ModelDirectory open(Path dir) throws InvalidModelException {
    if (!Files.isDirectory(dir)) {
      throw new InvalidModelException(
          "Model directory " + dir + " does not exist or is not a directory");
    }
    Path metadataPath = dir.resolve(METADATA_FILE);
    ModelMetadata metadata;
    try {
      metadata = JSON.readValue(Files.readAllBytes(metadataPath), ModelMetadata.class);
    } catch (NoSuchFileException e) {
      throw new InvalidModelException("Model directory " + dir + " has no " + METADATA_FILE);
    } catch (JsonProcessingException e) {
      Throwable cause = e.getCause() instanceof IllegalArgumentException iae ? iae : e;
      throw new InvalidModelException(
          "Invalid "
              + metadataPath
              + ": "
              + (cause == e ? e.getOriginalMessage() : cause.getMessage()),
          e);
    } catch (IOException e) {
      throw new InvalidModelException("Cannot read " + metadataPath + ": " + e, e);
    }
    Path labelsPath = dir.resolve(LABELS_FILE);
    List<String> labels;
    try {
      labels =
          Files.readAllLines(labelsPath, StandardCharsets.UTF_8).stream()
              .map(String::strip)
              .filter(l -> !l.isEmpty())
              .toList();
    } catch (NoSuchFileException e) {
      throw new InvalidModelException("Model directory " + dir + " has no " + LABELS_FILE);
    } catch (IOException e) {
      throw new InvalidModelException("Cannot read " + labelsPath + ": " + e, e);
    }
    if (labels.size() != metadata.classes()) {
      throw new InvalidModelException(
          labelsPath
              + " has "
              + labels.size()
              + " labels but "
              + metadataPath
              + " declares "
              + metadata.classes()
              + " classes");
    }
    Path params = dir.resolve(metadata.parametersFile());
    try {
      long size = Files.size(params);
      if (size != metadata.parametersBytes()) {
        throw new InvalidModelException(
            params
                + " is "
                + size
                + " bytes but "
                + metadataPath
                + " declares "
                + metadata.parametersBytes()
                + " (truncated or replaced file)");
      }
      String sha = sha256(params);
      if (!sha.equals(metadata.parametersSha256())) {
        throw new InvalidModelException(
            params
                + " has SHA-256 "
                + sha
                + " but "
                + metadataPath
                + " declares "
                + metadata.parametersSha256()
                + " (corrupt or replaced file)");
      }
    } catch (NoSuchFileException e) {
      throw new InvalidModelException(
          "Model directory " + dir + " has no parameter file " + metadata.parametersFile());
    } catch (IOException e) {
      throw new InvalidModelException("Cannot read " + params + ": " + e, e);
    }
    return new ModelDirectory(dir, metadata, labels);
  }

  /** The parameter file. */
  public Path parametersPath() {
    return path.resolve(metadata.parametersFile());
  }

  /** A network for this directory's class count with the given taps, parameters not loaded. */
  public GoogLeNet newNetwork(List<Tap> taps) {
    return new GoogLeNet(metadata.classes(), taps);
  }

  /**
   * Loads the parameters into a freshly built network: initialises it for the expected shapes,
   * reads the file, and refuses any parameter whose name or shape differs.
   *
   * @throws InvalidModelException naming the parameter and both shapes
   */
  public void loadParameters(GoogLeNet network, NDManager manager) throws InvalidModelException {
    network.initialize(manager, DataType.FLOAT32, GoogLeNet.inputShape(1));
    Map<String, Shape> expected = new LinkedHashMap<>();
    for (Pair<String, Parameter> p : network.getParameters()) {
      expected.put(p.getKey(), p.getValue().getArray().getShape());
    }
    Path file = parametersPath();
    try (DataInputStream in =
        new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
      network.loadParameters(manager, in);
      if (in.read() != -1) {
        throw new InvalidModelException(
            file
                + " has trailing bytes after the last parameter: it was not written for this network");
      }
    } catch (EOFException e) {
      throw new InvalidModelException(
          file + " ends before the last parameter: truncated, or written for a smaller network", e);
    } catch (MalformedModelException e) {
      throw new InvalidModelException(file + " does not match the network: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new InvalidModelException("Cannot read " + file + ": " + e, e);
    }
    for (Pair<String, Parameter> p : network.getParameters()) {
      Shape want = expected.get(p.getKey());
      Shape got = p.getValue().getArray().getShape();
      if (!got.equals(want)) {
        throw new InvalidModelException(
            file
                + ": parameter "
                + readableName(p.getKey())
                + " has shape "
                + got
                + " but a network for "
                + metadata.classes()
                + " classes needs "
                + want
                + (readableName(p.getKey()).startsWith("fc_")
                    ? " (parameters for another class count?)"
                    : ""));
      }
    }
    long trainable = Networks.trainableParameters(network);
    if (metadata.trainableParameters() != 0 && trainable != metadata.trainableParameters()) {
      throw new InvalidModelException(
          "Network has "
              + trainable
              + " trainable parameters but "
              + METADATA_FILE
              + " declares "
              + metadata.trainableParameters());
    }
  }

  /**
   * Writes a model directory for an initialised network. The parameter file is written first and
   * moved into place, so a crash never leaves metadata pointing at a half-written file.
   *
   * @return the directory as {@link #open} would read it
   */
  public static ModelDirectory write(
      Path dir,
      Block network,
      int classes,
      List<String> labels,
      String name,
      String version,
      List<Float> mean,
      List<Float> std,
      Map<String, Object> provenance)
      throws IOException {
    if (labels.size() != classes) {
      throw new IllegalArgumentException(labels.size() + " labels for " + classes + " classes");
    }
    Files.createDirectories(dir);
    Path params = dir.resolve(PARAMETERS_FILE);
    Path tmp = Files.createTempFile(dir, PARAMETERS_FILE, ".tmp");
    try (DataOutputStream out =
        new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp)))) {
      network.saveParameters(out);
    }
    Files.move(tmp, params, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    readableByAll(params);
    Files.write(
        dir.resolve(LABELS_FILE),
        (String.join("\n", labels) + "\n").getBytes(StandardCharsets.UTF_8));
    ModelMetadata metadata =
        new ModelMetadata(
            ModelMetadata.FORMAT,
            Architecture.NAME,
            name,
            version,
            classes,
            List.of(Architecture.CHANNELS, Architecture.SIZE, Architecture.SIZE),
            mean,
            std,
            PARAMETERS_FILE,
            sha256(params),
            Files.size(params),
            Networks.trainableParameters(network),
            Instant.now().toString(),
            provenance);
    writeMetadata(dir, metadata);
    return new ModelDirectory(dir, metadata, labels);
  }

  /**
   * Adds entries to the provenance in {@code metadata.json} (an evaluation, a training log); the
   * parameters and their checksum are untouched.
   *
   * @return the directory as it now reads
   */
  public ModelDirectory withProvenance(Map<String, Object> additions) throws IOException {
    Map<String, Object> p = new LinkedHashMap<>(metadata.provenance());
    p.putAll(additions);
    ModelMetadata m = metadata;
    ModelMetadata updated =
        new ModelMetadata(
            m.format(),
            m.architecture(),
            m.name(),
            m.version(),
            m.classes(),
            m.inputShape(),
            m.mean(),
            m.std(),
            m.parametersFile(),
            m.parametersSha256(),
            m.parametersBytes(),
            m.trainableParameters(),
            m.createdAt(),
            p);
    writeMetadata(path, updated);
    return new ModelDirectory(path, updated, labels);
  }

  /**
   * The calibration images, if {@code model calibrate} wrote them.
   *
   * @throws InvalidModelException if the file is unreadable or not a whole number of images
   */
  public java.util.Optional<byte[]> calibrationImages() throws InvalidModelException {
    Path f = path.resolve(CALIBRATION_FILE);
    if (!Files.exists(f)) {
      return java.util.Optional.empty();
    }
    try {
      byte[] b = Files.readAllBytes(f);
      if (b.length == 0 || b.length % CALIBRATION_IMAGE_BYTES != 0) {
        throw new InvalidModelException(
            f
                + " holds "
                + b.length
                + " bytes, not a whole number of "
                + CALIBRATION_IMAGE_BYTES
                + "-byte 3x32x32 images; write it again with model calibrate");
      }
      return java.util.Optional.of(b);
    } catch (IOException e) {
      throw new InvalidModelException(f + " cannot be read: " + e.getMessage(), e);
    }
  }

  /**
   * Writes the calibration images and records where they came from in the provenance.
   *
   * @param chw {@code count} images of {@link #CALIBRATION_IMAGE_BYTES} bytes each
   * @param source what the images are, e.g. "idx ... train n=256"
   */
  public ModelDirectory withCalibration(byte[] chw, String source) throws IOException {
    if (chw.length == 0 || chw.length % CALIBRATION_IMAGE_BYTES != 0) {
      throw new IllegalArgumentException(
          chw.length + " bytes are not a whole number of 3x32x32 images");
    }
    Path tmp = path.resolve(CALIBRATION_FILE + ".tmp");
    Files.write(tmp, chw);
    Files.move(
        tmp,
        path.resolve(CALIBRATION_FILE),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("file", CALIBRATION_FILE);
    c.put("images", chw.length / CALIBRATION_IMAGE_BYTES);
    c.put("data", source);
    c.put("sha256", sha256(path.resolve(CALIBRATION_FILE)));
    return withProvenance(Map.of("calibration", c));
  }

  /** Rewrites {@code metadata.json}, for example to record an evaluation. */
  public static void writeMetadata(Path dir, ModelMetadata metadata) throws IOException {
    try (OutputStream out = Files.newOutputStream(dir.resolve(METADATA_FILE))) {
      JSON.writeValue(out, metadata);
    }
  }

  /** Temporary files are private to their owner; a model directory is meant to be shared. */
  private static void readableByAll(Path file) {
    try {
      Files.setPosixFilePermissions(
          file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
    } catch (UnsupportedOperationException | IOException e) {
      // Not a POSIX file system: its defaults apply.
    }
  }

  /** DJL's parameter key without its ordinal prefixes: {@code 11fc_weight} to {@code fc_weight}. */
  static String readableName(String key) {
    return key.replaceAll("(^|_)\\d{2}", "$1");
  }

  /** Hex SHA-256 of a file. */
  public static String sha256(Path file) throws IOException {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
      in.transferTo(OutputStream.nullOutputStream());
    }
    return HexFormat.of().formatHex(digest.digest());
  }
}
