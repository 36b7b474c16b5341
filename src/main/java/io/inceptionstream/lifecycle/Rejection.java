package io.inceptionstream.lifecycle;

/**
 * The rejection kinds the pipeline itself gives a record, beside those of the wire format ({@code
 * WireFormatException.Kind}) and the image decoder ({@code ImageRejectedException.Reason}). A kind
 * is the stable {@code errorKind} of a dead letter; consumers may switch on it.
 */
public final class Rejection {

  private Rejection() {}

  /** Decoding failed in an unexpected way (a bug, not bad input). */
  public static final String DECODE_FAILED = "DECODE_FAILED";

  /** Decoding took longer than the pipeline allows one record. */
  public static final String DECODE_TIMEOUT = "DECODE_TIMEOUT";
}
