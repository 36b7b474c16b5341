package io.inceptionstream.image;

import io.inceptionstream.image.ImageRejectedException.Reason;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.Iterator;
import java.util.Locale;
import java.util.function.Function;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Decodes JPEG, PNG, BMP, GIF (first frame) and raw RGB8 bytes into {@link RgbImage}s. Sizes are
 * checked before decoding: the encoded length against {@link ImageLimits#maxBytes()} and the
 * dimensions the header declares (read by {@link ImageHeader}, not by the decoder) against {@link
 * ImageLimits#maxPixels()}, so a small file that declares a huge canvas is refused without
 * allocating it. Every colour model becomes 8-bit RGB with the colour values as stored, the way
 * PIL's {@code convert('RGB')} reads them: gray is not treated as linear light, alpha is dropped,
 * embedded ICC profiles are ignored, 16-bit samples keep their high byte, and CMYK/YCCK JPEGs are
 * converted with the Adobe conventions libjpeg uses. Thread-safe and stateless: each call uses its
 * own ImageIO reader.
 */
public final class ImageDecoder {

  /**
   * Most scans a JPEG may have. Every scan of a progressive JPEG passes over the whole image, so a
   * few kilobytes of repeated 14-byte scans make a small image decode for minutes; encoders write
   * about 10 (libjpeg's progressive script) and rarely more than a few dozen.
   */
  static final int MAX_JPEG_SCANS = 100;

  static {
    // Kept from before: no temporary files for ImageIO streams anywhere in the process.
    ImageIO.setUseCache(false);
  }

  private final ImageLimits limits;
  private final PixelBudget budget;

  public ImageDecoder(ImageLimits limits) {
    this.limits = limits;
    this.budget = new PixelBudget((int) limits.decodePixelBudget());
  }

  /**
   * What each image's pixels are taken from while {@link #decode(byte[], ImageFormat, int, int,
   * Function)} runs.
   */
  public PixelBudget budget() {
    return budget;
  }

  /** The limits this decoder enforces. */
  public ImageLimits limits() {
    return limits;
  }

  /** Decodes with auto-detection; see {@link #decode(byte[], ImageFormat, int, int)}. */
  public RgbImage decode(byte[] bytes) throws ImageRejectedException {
    return decode(bytes, ImageFormat.AUTO, 0, 0);
  }

  /**
   * Decodes one image.
   *
   * @param bytes the encoded image or raw pixels
   * @param hint {@link ImageFormat#AUTO} to detect, or the declared format (checked)
   * @param width width of raw pixels, else ignored
   * @param height height of raw pixels, else ignored
   * @throws ImageRejectedException with the reason and a message naming what was wrong
   */
  public RgbImage decode(byte[] bytes, ImageFormat hint, int width, int height)
      throws ImageRejectedException {
    try {
      return decode(bytes, hint, width, height, image -> image);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ImageRejectedException(Reason.CORRUPT_IMAGE, "Decoding was interrupted", e);
    }
  }

  /**
   * Decodes one image and hands it to {@code then} while its width × height count against the
   * decoder's {@link PixelBudget}: the decode waits until that many pixels are free, and gives them
   * back when {@code then} returns. Pass the step that shrinks the image (the resize) as {@code
   * then}, so the full-size pixels never outlive their share of the budget.
   *
   * @throws ImageRejectedException as {@link #decode(byte[], ImageFormat, int, int)}
   * @throws InterruptedException if interrupted while waiting for the budget
   */
  public <T> T decode(
      byte[] bytes, ImageFormat hint, int width, int height, Function<RgbImage, T> then)
      throws ImageRejectedException, InterruptedException {
    if (bytes == null || bytes.length == 0) {
      throw new ImageRejectedException(Reason.EMPTY_IMAGE, "Image has no bytes");
    }
    if (bytes.length > limits.maxBytes()) {
      throw new ImageRejectedException(
          Reason.IMAGE_TOO_LARGE,
          "Image has " + bytes.length + " bytes, over the limit of " + limits.maxBytes());
    }
    if (hint == ImageFormat.RAW_RGB8) {
      checkRaw(bytes, width, height);
      try (PixelBudget.Grant g = budget.acquire((long) width * height)) {
        return then.apply(decodeRaw(bytes, width, height));
      }
    }
    ImageFormat detected = ImageFormat.detect(bytes);
    if (detected == null) {
      throw new ImageRejectedException(
          Reason.UNSUPPORTED_FORMAT,
          "Image bytes are not JPEG, PNG, BMP or GIF (starts with " + hexPrefix(bytes) + ")");
    }
    if (hint != ImageFormat.AUTO && hint != detected) {
      throw new ImageRejectedException(
          Reason.UNSUPPORTED_FORMAT,
          "Image declared as " + hint + " but its bytes are " + detected);
    }
    ImageHeader header = ImageHeader.read(bytes, detected);
    checkPixels(detected.name(), header.width(), header.height());
    if (header.scans() > MAX_JPEG_SCANS) {
      throw new ImageRejectedException(
          Reason.CORRUPT_IMAGE,
          "JPEG has "
              + header.scans()
              + " scans, more than the "
              + MAX_JPEG_SCANS
              + " accepted (each scan re-reads the whole image; this looks like a decompression bomb)");
    }
    try (PixelBudget.Grant g = budget.acquire((long) header.width() * header.height())) {
      return then.apply(decodeEncoded(header.withoutIccProfile(bytes), header));
    }
  }

  private void checkRaw(byte[] bytes, int width, int height) throws ImageRejectedException {
    if (width < 1 || height < 1) {
      throw new ImageRejectedException(
          Reason.RAW_SIZE_MISMATCH,
          "Raw RGB8 image needs a positive width and height, got " + width + "x" + height);
    }
    checkPixels("Raw RGB8 image", width, height);
    long expected = (long) width * height * 3;
    if (bytes.length != expected) {
      throw new ImageRejectedException(
          Reason.RAW_SIZE_MISMATCH,
          "Raw RGB8 image of "
              + width
              + "x"
              + height
              + " needs "
              + expected
              + " bytes, got "
              + bytes.length);
    }
  }

  private static RgbImage decodeRaw(byte[] bytes, int width, int height) {
    int[] pixels = new int[width * height];
    for (int i = 0, j = 0; i < pixels.length; i++, j += 3) {
      pixels[i] = (bytes[j] & 0xFF) << 16 | (bytes[j + 1] & 0xFF) << 8 | (bytes[j + 2] & 0xFF);
    }
    return new RgbImage(width, height, pixels);
  }

  private RgbImage decodeEncoded(byte[] bytes, ImageHeader header) throws ImageRejectedException {
    ImageFormat format = header.format();
    ImageReader reader = newReader(format);
    // libjpeg reports truncated and damaged data as warnings and fills the gap with gray.
    String[] damage = new String[1];
    reader.addIIOReadWarningListener(
        (source, warning) -> {
          if (damage[0] == null && meansDamagedData(warning)) {
            damage[0] = warning;
          }
        });
    try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
      // Metadata is ignored: it is not needed for the pixels, and parsing it inflates PNG text
      // chunks without any bound.
      reader.setInput(in, true, true);
      checkPixels(format.name(), reader.getWidth(0), reader.getHeight(0));
      RgbImage image =
          format == ImageFormat.JPEG && header.components() == 4
              ? fromFourChannelJpeg(reader.readRaster(0, null), header.adobeTransform())
              : fromBufferedImage(reader.read(0));
      if (damage[0] != null) {
        throw new ImageRejectedException(
            Reason.CORRUPT_IMAGE, format + " image is truncated or damaged: " + damage[0]);
      }
      return image;
    } catch (IOException | RuntimeException e) {
      throw new ImageRejectedException(
          Reason.CORRUPT_IMAGE, format + " image cannot be decoded: " + describe(e), e);
    } finally {
      reader.dispose();
    }
  }

  /** libjpeg's warnings for missing or undecodable data; "extraneous bytes" is harmless. */
  private static boolean meansDamagedData(String warning) {
    return warning.startsWith("Premature end of JPEG file")
        || (warning.startsWith("Corrupt JPEG data") && !warning.contains("extraneous bytes"));
  }

  private void checkPixels(String what, long w, long h) throws ImageRejectedException {
    if (w < 1 || h < 1) {
      throw new ImageRejectedException(
          Reason.TOO_MANY_PIXELS,
          what
              + " declares an invalid size of "
              + w
              + "x"
              + h
              + ": width and height must be at least 1");
    }
    // Both are below 2^32, so the product cannot overflow.
    long pixels = w * h;
    if (pixels > limits.maxPixels()) {
      throw new ImageRejectedException(
          Reason.TOO_MANY_PIXELS,
          what
              + " declares "
              + w
              + "x"
              + h
              + " = "
              + pixels
              + " pixels, over the limit of "
              + limits.maxPixels());
    }
  }

  private static RgbImage fromBufferedImage(BufferedImage image) {
    ColorModel cm = image.getColorModel();
    if (cm instanceof IndexColorModel icm) {
      return fromIndexed(image.getRaster(), icm);
    }
    int type = cm.getColorSpace().getType();
    int transfer = cm.getTransferType();
    if (cm instanceof ComponentColorModel
        && (transfer == DataBuffer.TYPE_BYTE || transfer == DataBuffer.TYPE_USHORT)
        && ((type == ColorSpace.TYPE_GRAY && cm.getNumColorComponents() == 1)
            || (type == ColorSpace.TYPE_RGB && cm.getNumColorComponents() == 3))) {
      return fromSamples(image.getRaster(), cm);
    }
    // Packed formats (BMP 16 and 32 bit): their DirectColorModel is sRGB, so getRGB is exact.
    int w = image.getWidth();
    int h = image.getHeight();
    int[] pixels = new int[w * h];
    image.getRGB(0, 0, w, h, pixels, 0, w);
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] &= 0xFFFFFF;
    }
    return new RgbImage(w, h, pixels);
  }

  private static RgbImage fromIndexed(Raster raster, IndexColorModel icm) {
    int w = raster.getWidth();
    int h = raster.getHeight();
    int[] palette = new int[icm.getMapSize()];
    icm.getRGBs(palette);
    int[] pixels = new int[w * h];
    int[] row = new int[w];
    for (int y = 0; y < h; y++) {
      raster.getSamples(0, y, w, 1, 0, row);
      for (int x = 0; x < w; x++) {
        // An index past the palette is black, as in PIL.
        int i = row[x];
        pixels[y * w + x] = i < palette.length ? palette[i] & 0xFFFFFF : 0;
      }
    }
    return new RgbImage(w, h, pixels);
  }

  /**
   * Reads gray or RGB samples as stored, whatever the colour space says: Java would otherwise
   * brighten gray (it treats it as linear light) and convert ICC-tagged RGB to sRGB.
   */
  private static RgbImage fromSamples(Raster raster, ColorModel cm) {
    RgbImage fast = fromInterleavedBytes(raster, cm);
    if (fast != null) {
      return fast;
    }
    int w = raster.getWidth();
    int h = raster.getHeight();
    int bands = raster.getNumBands();
    boolean gray = cm.getNumColorComponents() == 1;
    int bits = cm.getComponentSize(0);
    int[] pixels = new int[w * h];
    int[] row = new int[w * bands];
    for (int y = 0; y < h; y++) {
      raster.getPixels(0, y, w, 1, row);
      for (int x = 0, s = 0; x < w; x++, s += bands) {
        int r = to8(row[s], bits);
        int g = gray ? r : to8(row[s + 1], bits);
        int b = gray ? r : to8(row[s + 2], bits);
        pixels[y * w + x] = r << 16 | g << 8 | b;
      }
    }
    return new RgbImage(w, h, pixels);
  }

  /**
   * The common case — 8-bit RGB or RGBA interleaved in one byte array, as PNG, JPEG and BMP decode
   * — read straight from the array: several times faster than per-row sample copies.
   *
   * @return null for any other layout
   */
  private static RgbImage fromInterleavedBytes(Raster raster, ColorModel cm) {
    if (!(raster.getDataBuffer() instanceof DataBufferByte buffer)
        || !(raster.getSampleModel() instanceof java.awt.image.PixelInterleavedSampleModel sm)
        || cm.getNumColorComponents() != 3
        || cm.getComponentSize(0) != 8
        || buffer.getNumBanks() != 1
        || raster.getSampleModelTranslateX() != 0
        || raster.getSampleModelTranslateY() != 0) {
      return null;
    }
    byte[] data = buffer.getData();
    int[] offsets = sm.getBandOffsets();
    int stride = sm.getPixelStride();
    int scan = sm.getScanlineStride();
    int base = buffer.getOffset();
    int r0 = offsets[0];
    int g0 = offsets[1];
    int b0 = offsets[2];
    int w = raster.getWidth();
    int h = raster.getHeight();
    int[] pixels = new int[w * h];
    for (int y = 0; y < h; y++) {
      int p = base + y * scan;
      for (int x = 0; x < w; x++, p += stride) {
        pixels[y * w + x] =
            (data[p + r0] & 0xFF) << 16 | (data[p + g0] & 0xFF) << 8 | (data[p + b0] & 0xFF);
      }
    }
    return new RgbImage(w, h, pixels);
  }

  private static final java.util.Map<ImageFormat, javax.imageio.spi.ImageReaderSpi> PROVIDERS =
      new java.util.concurrent.ConcurrentHashMap<>();

  /** A fresh reader from the format's provider, looked up once (the registry scan is not free). */
  private static ImageReader newReader(ImageFormat format) throws ImageRejectedException {
    javax.imageio.spi.ImageReaderSpi spi =
        PROVIDERS.computeIfAbsent(
            format,
            f -> {
              Iterator<ImageReader> readers =
                  ImageIO.getImageReadersByFormatName(f.name().toLowerCase(Locale.ROOT));
              return readers.hasNext() ? readers.next().getOriginatingProvider() : null;
            });
    if (spi == null) {
      throw new ImageRejectedException(
          Reason.UNSUPPORTED_FORMAT, "No " + format + " decoder is installed");
    }
    try {
      return spi.createReaderInstance();
    } catch (java.io.IOException e) {
      throw new ImageRejectedException(
          Reason.UNSUPPORTED_FORMAT, "The " + format + " decoder cannot be created: " + e, e);
    }
  }

  private static int to8(int v, int bits) {
    if (bits == 8) {
      return v;
    }
    return bits > 8 ? v >>> (bits - 8) : (v * 255 + ((1 << bits) - 1) / 2) / ((1 << bits) - 1);
  }

  /**
   * Converts a 4-channel JPEG's raw samples to RGB. ImageIO's own conversion assumes inverted CMYK
   * and applies a gamma curve, so the samples are taken raw and converted the way libjpeg and PIL
   * do: without an Adobe APP14 marker the channels are plain CMYK ink; with one they are stored
   * inverted (255 = no ink), and transform 0 means CMYK while any other value means YCCK, whose
   * first three channels are the YCbCr encoding of the ink of C, M and Y.
   */
  private static RgbImage fromFourChannelJpeg(Raster raster, int adobeTransform)
      throws ImageRejectedException {
    if (raster.getNumBands() != 4) {
      throw new ImageRejectedException(
          Reason.CORRUPT_IMAGE,
          "JPEG declares 4 colour components but decodes to " + raster.getNumBands());
    }
    int w = raster.getWidth();
    int h = raster.getHeight();
    int[] pixels = new int[w * h];
    int[] row = new int[w * 4];
    for (int y = 0; y < h; y++) {
      raster.getPixels(0, y, w, 1, row);
      for (int x = 0, s = 0; x < w; x++, s += 4) {
        int c;
        int m;
        int ye;
        int k;
        if (adobeTransform < 0) {
          c = row[s];
          m = row[s + 1];
          ye = row[s + 2];
          k = row[s + 3];
        } else if (adobeTransform == 0) {
          c = 255 - row[s];
          m = 255 - row[s + 1];
          ye = 255 - row[s + 2];
          k = 255 - row[s + 3];
        } else {
          double yy = row[s];
          double cb = row[s + 1] - 128.0;
          double cr = row[s + 2] - 128.0;
          c = clamp(yy + 1.402 * cr);
          m = clamp(yy - 0.344136 * cb - 0.714136 * cr);
          ye = clamp(yy + 1.772 * cb);
          k = 255 - row[s + 3];
        }
        int paper = 255 - k;
        pixels[y * w + x] =
            mul255(255 - c, paper) << 16 | mul255(255 - m, paper) << 8 | mul255(255 - ye, paper);
      }
    }
    return new RgbImage(w, h, pixels);
  }

  /** {@code a * b / 255}, rounded to nearest. */
  private static int mul255(int a, int b) {
    return (a * b + 127) / 255;
  }

  private static int clamp(double v) {
    return (int) Math.max(0, Math.min(255, Math.round(v)));
  }

  /** The messages along the cause chain, so "Error reading PNG image data" says why. */
  private static String describe(Throwable e) {
    StringBuilder sb = new StringBuilder();
    for (Throwable t = e; t != null && sb.length() < 300; t = t.getCause()) {
      if (sb.length() > 0) {
        sb.append(": ");
      }
      String m = t.getMessage();
      if (t instanceof EOFException) {
        sb.append("the data ends early (truncated)");
      } else {
        sb.append(m == null || m.isBlank() ? t.getClass().getSimpleName() : m);
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return sb.toString();
  }

  static String hexPrefix(byte[] b) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < Math.min(8, b.length); i++) {
      sb.append(String.format("%02x", b[i] & 0xFF));
    }
    return sb.toString();
  }
}
