package io.inceptionstream.avro;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.message.BadHeaderException;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.MissingSchemaException;
import org.apache.avro.specific.SpecificData;

/**
 * The wire format of every topic: Avro single-object encoding ({@code C3 01}, the writer schema's
 * 8-byte little-endian CRC-64-AVRO fingerprint, then the binary body). No registry is needed: the
 * input decoder knows the current {@link ImageRecord} schema and every older version kept under
 * {@code schemas/history/} (packaged in the jar), and resolves each to the current reader schema.
 * Thread-safe: Avro's message encoders and decoders are.
 */
public final class WireFormat {

  static {
    // Avro 1.12 only instantiates classes from trusted packages when reading 'java-class' hints.
    String key = "org.apache.avro.SERIALIZABLE_PACKAGES";
    String current = System.getProperty(key);
    String ours = "io.inceptionstream.avro";
    if (current == null || current.isBlank()) {
      System.setProperty(key, ours);
    } else if (!current.contains(ours)) {
      System.setProperty(key, current + "," + ours);
    }
    // A few bytes on the wire can declare a gigabyte-long field; Avro allocates what is declared.
    // These bounds turn such values into decoding errors (dead letters) instead of memory errors.
    setIfAbsent("org.apache.avro.limits.bytes.maxLength", Integer.toString(64 * 1024 * 1024));
    setIfAbsent("org.apache.avro.limits.string.maxLength", Integer.toString(1024 * 1024));
    setIfAbsent("org.apache.avro.limits.collectionItems.maxLength", Integer.toString(1_000_000));
  }

  private static void setIfAbsent(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }

  /** Writer schemas the worker accepts besides the current one, oldest first. */
  public static final List<String> HISTORY = List.of("schemas/history/ImageRecord-v1.avsc");

  private static final BinaryMessageDecoder<ImageRecord> IMAGE_DECODER = imageDecoder();

  private WireFormat() {}

  private static BinaryMessageDecoder<ImageRecord> imageDecoder() {
    BinaryMessageDecoder<ImageRecord> decoder =
        new BinaryMessageDecoder<>(SpecificData.get(), ImageRecord.getClassSchema());
    for (Schema old : historicalImageSchemas()) {
      decoder.addSchema(old);
    }
    return decoder;
  }

  /** The older {@link ImageRecord} schemas from the class path. */
  public static List<Schema> historicalImageSchemas() {
    List<Schema> schemas = new ArrayList<>();
    for (String path : HISTORY) {
      try (InputStream in = WireFormat.class.getClassLoader().getResourceAsStream(path)) {
        if (in == null) {
          throw new IllegalStateException("Schema " + path + " missing from the class path");
        }
        schemas.add(new Schema.Parser().parse(in));
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot read " + path, e);
      }
    }
    return schemas;
  }

  /** The fingerprint a single-object header carries for a schema, as 16 hex digits (big-endian). */
  public static String fingerprint(Schema schema) {
    return String.format("%016x", SchemaNormalization.parsingFingerprint64(schema));
  }

  /**
   * Decodes an input value written with any known {@link ImageRecord} schema version.
   *
   * @throws WireFormatException saying whether the value was empty, not single-object encoded,
   *     written with an unknown schema, undecodable, or invalid
   */
  public static ImageRecord decodeImage(byte[] value) throws WireFormatException {
    if (value == null || value.length == 0) {
      throw new WireFormatException(
          WireFormatException.Kind.EMPTY_VALUE, "Record has no value (tombstone or empty)", null);
    }
    if (value.length < 10 || (value[0] & 0xFF) != 0xC3 || (value[1] & 0xFF) != 0x01) {
      throw new WireFormatException(
          WireFormatException.Kind.NOT_SINGLE_OBJECT,
          "Value is not Avro single-object encoded: expected C3 01 and an 8-byte fingerprint, got "
              + HexFormat.of().formatHex(value, 0, Math.min(value.length, 10)),
          null);
    }
    ImageRecord record;
    try {
      record = IMAGE_DECODER.decode(value);
    } catch (MissingSchemaException e) {
      long fp = ByteBuffer.wrap(value, 2, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
      throw new WireFormatException(
          WireFormatException.Kind.UNKNOWN_SCHEMA,
          String.format(
              "Unknown writer schema fingerprint %016x: not ImageRecord or a version this worker knows (%s)",
              fp, knownFingerprints()),
          e);
    } catch (BadHeaderException e) {
      throw new WireFormatException(
          WireFormatException.Kind.NOT_SINGLE_OBJECT,
          "Bad single-object header: " + e.getMessage(),
          e);
    } catch (IOException | RuntimeException e) {
      // Avro reports a malformed body with many runtime types: AvroRuntimeException, index
      // errors, and UnsupportedOperationException for a length past the VM's array limit (found
      // by fuzzing). The value came off the wire, so each is a bad value, not a bug here.
      throw new WireFormatException(
          WireFormatException.Kind.UNDECODABLE_AVRO,
          "Avro body does not decode: " + describe(e),
          e);
    }
    if (record.getId() == null || record.getId().isBlank()) {
      throw new WireFormatException(
          WireFormatException.Kind.INVALID_RECORD, "ImageRecord has an empty id", null);
    }
    return record;
  }

  private static String knownFingerprints() {
    List<String> fps = new ArrayList<>();
    fps.add(fingerprint(ImageRecord.getClassSchema()));
    for (Schema s : historicalImageSchemas()) {
      fps.add(fingerprint(s));
    }
    return "known: " + String.join(", ", fps);
  }

  private static String describe(Exception e) {
    String m = e.getMessage();
    return m == null ? e.getClass().getSimpleName() : m;
  }

  /** Encodes an input record. */
  public static byte[] encode(ImageRecord record) {
    return bytes(record::toByteBuffer);
  }

  /** Encodes a prediction. */
  public static byte[] encode(Prediction record) {
    return bytes(record::toByteBuffer);
  }

  /** Encodes an embedding. */
  public static byte[] encode(Embedding record) {
    return bytes(record::toByteBuffer);
  }

  /** Encodes a dead letter. */
  public static byte[] encode(DeadLetter record) {
    return bytes(record::toByteBuffer);
  }

  private static final byte[] EMBEDDING_HEADER = header(Embedding.getClassSchema());

  private static byte[] header(Schema schema) {
    return ByteBuffer.allocate(10)
        .order(java.nio.ByteOrder.LITTLE_ENDIAN)
        .put((byte) 0xC3)
        .put((byte) 0x01)
        .putLong(SchemaNormalization.parsingFingerprint64(schema))
        .array();
  }

  /**
   * Encodes an {@link Embedding} straight from a float array, without boxing a {@code List<Float>}
   * (the generated class's way costs several times more per vector); the bytes are identical to
   * {@link #encode(Embedding)}'s, which the tests check.
   */
  public static byte[] encodeEmbedding(
      String id,
      String modelName,
      String modelVersion,
      String tap,
      boolean normalized,
      float[] vector,
      int from,
      int dimension,
      String topic,
      int partition,
      long offset) {
    java.io.ByteArrayOutputStream out =
        new java.io.ByteArrayOutputStream(64 + 4 * dimension + id.length() + tap.length());
    try {
      out.write(EMBEDDING_HEADER);
      org.apache.avro.io.BinaryEncoder e =
          org.apache.avro.io.EncoderFactory.get().directBinaryEncoder(out, null);
      e.writeString(id);
      e.writeString(modelName);
      e.writeString(modelVersion);
      e.writeString(tap);
      e.writeInt(dimension);
      e.writeBoolean(normalized);
      e.writeArrayStart();
      if (dimension > 0) {
        e.setItemCount(dimension);
        byte[] floats = new byte[4 * dimension];
        // One bulk copy of the raw bits (Avro floats are little-endian IEEE 754), not a putFloat
        // per element: that loop was the publisher thread's top cost in the pipeline profile.
        ByteBuffer.wrap(floats)
            .order(java.nio.ByteOrder.LITTLE_ENDIAN)
            .asFloatBuffer()
            .put(vector, from, dimension);
        e.writeFixed(floats);
      }
      e.writeArrayEnd();
      e.writeString(topic);
      e.writeInt(partition);
      e.writeLong(offset);
      e.flush();
    } catch (IOException ex) {
      throw new UncheckedIOException("Avro encoding failed", ex);
    }
    return out.toByteArray();
  }

  /**
   * Decodes a prediction.
   *
   * @throws IOException if the value is not a readable single-object-encoded Prediction
   */
  public static Prediction decodePrediction(byte[] value) throws IOException {
    return decodeOutput(() -> Prediction.fromByteBuffer(ByteBuffer.wrap(value)));
  }

  /**
   * Decodes an embedding.
   *
   * @throws IOException if the value is not a readable single-object-encoded Embedding
   */
  public static Embedding decodeEmbedding(byte[] value) throws IOException {
    return decodeOutput(() -> Embedding.fromByteBuffer(ByteBuffer.wrap(value)));
  }

  /**
   * Decodes a dead letter.
   *
   * @throws IOException if the value is not a readable single-object-encoded DeadLetter
   */
  public static DeadLetter decodeDeadLetter(byte[] value) throws IOException {
    return decodeOutput(() -> DeadLetter.fromByteBuffer(ByteBuffer.wrap(value)));
  }

  private interface Decoding<T> {
    T decode() throws IOException;
  }

  /**
   * Runs an output decode, reporting a malformed value as the declared IOException: Avro throws
   * AvroRuntimeException ("Length is negative"), MissingSchemaException and other runtime types for
   * bad bytes (found by fuzzing).
   */
  private static <T> T decodeOutput(Decoding<T> decoding) throws IOException {
    try {
      return decoding.decode();
    } catch (RuntimeException e) {
      throw new IOException("Value does not decode: " + describe(e), e);
    }
  }

  private interface Encoding {
    ByteBuffer encode() throws IOException;
  }

  private static byte[] bytes(Encoding encoding) {
    try {
      ByteBuffer b = encoding.encode();
      byte[] out = new byte[b.remaining()];
      b.get(out);
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("Avro encoding failed", e);
    }
  }
}
