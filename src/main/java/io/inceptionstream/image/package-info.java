/**
 * Image decoding, colour conversion, resizing and normalisation, in plain Java (ImageIO and AWT, no
 * engine types). {@link io.inceptionstream.image.ImageDecoder} turns encoded or raw bytes into an
 * {@link io.inceptionstream.image.RgbImage}, rejecting bad input with a typed {@link
 * io.inceptionstream.image.ImageRejectedException} after checking sizes against {@link
 * io.inceptionstream.image.ImageLimits} before any pixel is decoded; {@link
 * io.inceptionstream.image.Preprocessor} writes the network's 3x32x32 input into a batch buffer.
 * Internal: not a stable API.
 */
package io.inceptionstream.image;
