package io.inceptionstream.image;

/**
 * Bounds that keep a hostile image from exhausting memory: checked on the encoded size and on the
 * dimensions a header declares, before any pixel is decoded.
 *
 * @param maxBytes largest accepted encoded image, in bytes
 * @param maxPixels largest accepted width x height
 */
public record ImageLimits(int maxBytes, long maxPixels) {

  /** 10 MiB and 40 megapixels. */
  public static final ImageLimits DEFAULT = new ImageLimits(10 * 1024 * 1024, 40_000_000L);

  public ImageLimits {
    if (maxBytes < 1) {
      throw new IllegalArgumentException("maxBytes must be at least 1, got " + maxBytes);
    }
    if (maxPixels < 1) {
      throw new IllegalArgumentException("maxPixels must be at least 1, got " + maxPixels);
    }
  }
}
