package io.inceptionstream.inference;

import io.inceptionstream.image.Preprocessor;

/**
 * Preprocessed images that int8 quantisation measures each layer's output range on.
 *
 * @param images {@code count} x 3 x 32 x 32 floats, normalised as the model expects
 * @param count how many images
 */
record Calibration(float[] images, int count) {

  Calibration {
    if (count < 1 || (long) count * Preprocessor.FLOATS > images.length) {
      throw new IllegalArgumentException(
          count + " calibration images do not fit " + images.length + " floats");
    }
  }
}
