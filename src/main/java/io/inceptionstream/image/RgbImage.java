package io.inceptionstream.image;

/**
 * A decoded image as packed {@code 0xRRGGBB} pixels, row-major.
 *
 * @param width pixels per row
 * @param height rows
 * @param pixels width x height packed RGB values
 */
public record RgbImage(int width, int height, int[] pixels) {

  public RgbImage {
    if (width < 1 || height < 1 || pixels.length != (long) width * height) {
      throw new IllegalArgumentException(
          "Image of " + width + "x" + height + " cannot hold " + pixels.length + " pixels");
    }
  }
}
