package io.inceptionstream.image;

import java.util.Locale;

/**
 * The encodings the decoder accepts; {@link #AUTO} detects one of the first four from magic bytes.
 */
public enum ImageFormat {
  AUTO,
  JPEG,
  PNG,
  BMP,
  GIF,
  /** Raw 8-bit RGB pixels, row-major, 3 bytes a pixel; width and height must be given. */
  RAW_RGB8;

  /** Detects JPEG, PNG, GIF or BMP from the first bytes, or returns null. */
  public static ImageFormat detect(byte[] b) {
    if (b.length >= 3 && (b[0] & 0xFF) == 0xFF && (b[1] & 0xFF) == 0xD8 && (b[2] & 0xFF) == 0xFF) {
      return JPEG;
    }
    if (b.length >= 8 && (b[0] & 0xFF) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G') {
      return PNG;
    }
    if (b.length >= 6 && b[0] == 'G' && b[1] == 'I' && b[2] == 'F' && b[3] == '8') {
      return GIF;
    }
    if (b.length >= 2 && b[0] == 'B' && b[1] == 'M') {
      return BMP;
    }
    return null;
  }

  /** Parses a name in any case, with {@code -} or {@code _}: {@code raw-rgb8}, {@code png}. */
  public static ImageFormat parse(String name) {
    try {
      return valueOf(name.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "Invalid image encoding '"
              + name
              + "': must be one of auto, jpeg, png, bmp, gif, raw_rgb8",
          e);
    }
  }
}
