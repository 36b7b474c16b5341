package io.inceptionstream.avro;

/** A value that is not a readable single-object-encoded record; {@link #kind()} says why. */
public class WireFormatException extends Exception {

  private static final long serialVersionUID = 1L;

  /** Why decoding failed; the names are dead-letter error kinds. */
  public enum Kind {
    /** Null or zero-length value (a tombstone). */
    EMPTY_VALUE,
    /** Does not start with the single-object marker {@code C3 01} and an 8-byte fingerprint. */
    NOT_SINGLE_OBJECT,
    /** The writer schema's fingerprint is not one of the known versions. */
    UNKNOWN_SCHEMA,
    /** Header fine, body does not decode with the writer schema. */
    UNDECODABLE_AVRO,
    /** Decodes, but breaks a rule the schema cannot express (for example an empty id). */
    INVALID_RECORD
  }

  private final Kind kind;

  public WireFormatException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  /** The failure kind. */
  public Kind kind() {
    return kind;
  }
}
