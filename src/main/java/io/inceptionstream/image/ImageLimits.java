package io.inceptionstream.image;

/**
 * Bounds that keep hostile or merely large images from exhausting memory: checked on the encoded
 * size and on the dimensions a header declares, before any pixel is decoded, and on the pixels
 * being decoded at once across threads.
 *
 * @param maxBytes largest accepted encoded image, in bytes
 * @param maxPixels largest accepted width x height
 * @param decodePixelBudget most pixels decoded at once by all threads sharing one decoder; at least
 *     {@code maxPixels}, so that every accepted image can be decoded
 */
public record ImageLimits(int maxBytes, long maxPixels, long decodePixelBudget) {

  /** 10 MiB, 40 megapixels, and two such images decoding at once. */
  public static final ImageLimits DEFAULT = new ImageLimits(10 * 1024 * 1024, 40_000_000L);

  /** With a decode budget of two of the largest images. */
  public ImageLimits(int maxBytes, long maxPixels) {
    this(maxBytes, maxPixels, Math.min(Integer.MAX_VALUE, 2 * maxPixels));
  }

  public ImageLimits {
    if (maxBytes < 1) {
      throw new IllegalArgumentException("maxBytes must be at least 1, got " + maxBytes);
    }
    if (maxPixels < 1) {
      throw new IllegalArgumentException("maxPixels must be at least 1, got " + maxPixels);
    }
    if (decodePixelBudget < maxPixels || decodePixelBudget > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "decodePixelBudget must be between maxPixels ("
              + maxPixels
              + ") and "
              + Integer.MAX_VALUE
              + ", got "
              + decodePixelBudget);
    }
  }
}
