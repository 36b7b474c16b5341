package io.inceptionstream.image;

/** An image that cannot be classified; {@link #reason()} is the stable machine-readable kind. */
public class ImageRejectedException extends Exception {

  private static final long serialVersionUID = 1L;

  /** Why an image was rejected; the names are part of the dead-letter contract. */
  public enum Reason {
    /** No bytes at all. */
    EMPTY_IMAGE,
    /** More encoded bytes than {@code image.max-bytes}. */
    IMAGE_TOO_LARGE,
    /** Declared width x height above {@code image.max-pixels}, or a non-positive dimension. */
    TOO_MANY_PIXELS,
    /** Raw pixels whose byte count is not width x height x 3, or raw without dimensions. */
    RAW_SIZE_MISMATCH,
    /** Bytes in no supported format, or not the declared one. */
    UNSUPPORTED_FORMAT,
    /** A supported format that fails to decode. */
    CORRUPT_IMAGE
  }

  private final Reason reason;

  public ImageRejectedException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public ImageRejectedException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  /** The kind of rejection. */
  public Reason reason() {
    return reason;
  }
}
