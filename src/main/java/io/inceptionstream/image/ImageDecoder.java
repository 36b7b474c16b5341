package io.inceptionstream.image;

import io.inceptionstream.image.ImageRejectedException.Reason;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import javax.imageio.IIOException;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.stream.ImageInputStream;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;

/**
 * Decodes JPEG, PNG, BMP, GIF (first frame) and raw RGB8 bytes into {@link RgbImage}s. Sizes are
 * checked before decoding: the encoded length against {@link ImageLimits#maxBytes()} and the
 * dimensions in the header against {@link ImageLimits#maxPixels()}, so a small file that declares
 * a huge canvas is refused without allocating it. Grayscale (8 and 16 bit), alpha (dropped),
 * palette, 16-bit and CMYK/YCCK JPEGs become 8-bit RGB. Thread-safe and stateless.
 */
public final class ImageDecoder {

  static {
    ImageIO.setUseCache(false);
  }

  private final ImageLimits limits;

  public ImageDecoder(ImageLimits limits) {
    this.limits = limits;
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
    if (bytes == null || bytes.length == 0) {
      throw new ImageRejectedException(Reason.EMPTY_IMAGE, "Image has no bytes");
    }
    if (bytes.length > limits.maxBytes()) {
      throw new ImageRejectedException(
          Reason.IMAGE_TOO_LARGE,
          "Image has " + bytes.length + " bytes, over the limit of " + limits.maxBytes());
    }
    if (hint == ImageFormat.RAW_RGB8) {
      return decodeRaw(bytes, width, height);
    }
    ImageFormat detected = ImageFormat.detect(bytes);
    if (detected == null) {
      throw new ImageRejectedException(
          Reason.UNSUPPORTED_FORMAT,
          "Image bytes are not JPEG, PNG, BMP or GIF (starts with " + hexPrefix(bytes) + ")");
    }
    if (hint != ImageFormat.AUTO && hint != detected) {
      throw new ImageRejectedException(
          Reason.UNSUPPORTED_FORMAT, "Image declared as " + hint + " but its bytes are " + detected);
    }
    return decodeEncoded(bytes, detected);
  }

  private RgbImage decodeRaw(byte[] bytes, int width, int height) throws ImageRejectedException {
    if (width < 1 || height < 1) {
      throw new ImageRejectedException(
          Reason.RAW_SIZE_MISMATCH, "Raw RGB8 image needs positive width and height, got " + width + "x" + height);
    }
    checkPixels(width, height);
    long expected = (long) width * height * 3;
    if (bytes.length != expected) {
      throw new ImageRejectedException(
          Reason.RAW_SIZE_MISMATCH,
          "Raw RGB8 image of " + width + "x" + height + " needs " + expected + " bytes, got " + bytes.length);
    }
    int[] pixels = new int[width * height];
    for (int i = 0, j = 0; i < pixels.length; i++, j += 3) {
      pixels[i] = (bytes[j] & 0xFF) << 16 | (bytes[j + 1] & 0xFF) << 8 | (bytes[j + 2] & 0xFF);
    }
    return new RgbImage(width, height, pixels);
  }

  private RgbImage decodeEncoded(byte[] bytes, ImageFormat format) throws ImageRejectedException {
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) {
        throw new ImageRejectedException(Reason.UNSUPPORTED_FORMAT, "No decoder accepts these " + format + " bytes");
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(in, true, false);
        int w = reader.getWidth(0);
        int h = reader.getHeight(0);
        checkPixels(w, h);
        try {
          return fromBufferedImage(reader.read(0));
        } catch (IIOException e) {
          if (format == ImageFormat.JPEG && isUnsupportedColour(e)) {
            return fromCmykJpeg(reader);
          }
          throw e;
        }
      } finally {
        reader.dispose();
      }
    } catch (ImageRejectedException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new ImageRejectedException(
          Reason.CORRUPT_IMAGE, format + " image cannot be decoded: " + describe(e), e);
    }
  }

  private void checkPixels(int w, int h) throws ImageRejectedException {
    if (w < 1 || h < 1) {
      throw new ImageRejectedException(Reason.TOO_MANY_PIXELS, "Image declares invalid dimensions " + w + "x" + h);
    }
    long pixels = (long) w * h;
    if (pixels > limits.maxPixels()) {
      throw new ImageRejectedException(
          Reason.TOO_MANY_PIXELS,
          "Image declares " + w + "x" + h + " = " + pixels + " pixels, over the limit of " + limits.maxPixels());
    }
  }

  private static RgbImage fromBufferedImage(BufferedImage image) {
    int w = image.getWidth();
    int h = image.getHeight();
    int[] pixels = new int[w * h];
    ColorSpace cs = image.getColorModel().getColorSpace();
    Raster raster = image.getRaster();
    boolean gray = cs.getType() == ColorSpace.TYPE_GRAY && image.getColorModel().getNumColorComponents() == 1
        && !(image.getColorModel() instanceof java.awt.image.IndexColorModel);
    if (gray) {
      // Java treats gray as linear light and would brighten it on conversion; read the stored
      // value, as other image libraries do.
      int bits = image.getColorModel().getComponentSize(0);
      int[] row = new int[w];
      for (int y = 0; y < h; y++) {
        raster.getSamples(0, y, w, 1, 0, row);
        for (int x = 0; x < w; x++) {
          int v = bits > 8 ? row[x] >>> (bits - 8) : bits < 8 ? row[x] * 255 / ((1 << bits) - 1) : row[x];
          pixels[y * w + x] = v << 16 | v << 8 | v;
        }
      }
    } else {
      image.getRGB(0, 0, w, h, pixels, 0, w);
      for (int i = 0; i < pixels.length; i++) {
        pixels[i] &= 0xFFFFFF;
      }
    }
    return new RgbImage(w, h, pixels);
  }

  private static boolean isUnsupportedColour(IIOException e) {
    String m = String.valueOf(e.getMessage());
    return m.contains("Unsupported Image Type") || m.contains("Unsupported color conversion");
  }

  /** Reads a 4-channel JPEG's raw samples and converts CMYK or YCCK to RGB. */
  private static RgbImage fromCmykJpeg(ImageReader reader) throws IOException, ImageRejectedException {
    Raster raster = reader.readRaster(0, null);
    if (raster.getNumBands() != 4) {
      throw new ImageRejectedException(
          Reason.UNSUPPORTED_FORMAT, "JPEG with " + raster.getNumBands() + " colour channels is not supported");
    }
    int transform = adobeTransform(reader.getImageMetadata(0));
    int w = raster.getWidth();
    int h = raster.getHeight();
    int[] pixels = new int[w * h];
    int[] px = new int[4];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        raster.getPixel(x, y, px);
        int c;
        int m;
        int ye;
        int k;
        if (transform == 2) {
          // YCCK: the first three channels are YCbCr of the inverted CMY.
          double yy = px[0];
          double cb = px[1] - 128.0;
          double cr = px[2] - 128.0;
          c = 255 - clamp(yy + 1.402 * cr);
          m = 255 - clamp(yy - 0.344136 * cb - 0.714136 * cr);
          ye = 255 - clamp(yy + 1.772 * cb);
          k = 255 - px[3];
        } else if (transform == 0) {
          // Adobe writes CMYK inverted (255 = no ink).
          c = 255 - px[0];
          m = 255 - px[1];
          ye = 255 - px[2];
          k = 255 - px[3];
        } else {
          c = px[0];
          m = px[1];
          ye = px[2];
          k = px[3];
        }
        int r = (255 - c) * (255 - k) / 255;
        int g = (255 - m) * (255 - k) / 255;
        int b = (255 - ye) * (255 - k) / 255;
        pixels[y * w + x] = r << 16 | g << 8 | b;
      }
    }
    return new RgbImage(w, h, pixels);
  }

  /** The Adobe APP14 transform flag (0 CMYK, 2 YCCK), or -1 without the marker. */
  private static int adobeTransform(IIOMetadata metadata) {
    if (metadata == null) {
      return -1;
    }
    try {
      Node root = metadata.getAsTree("javax_imageio_jpeg_image_1.0");
      Node adobe = find(root, "app14Adobe");
      if (adobe != null) {
        NamedNodeMap attrs = adobe.getAttributes();
        Node t = attrs.getNamedItem("transform");
        return t == null ? 0 : Integer.parseInt(t.getNodeValue());
      }
    } catch (IllegalArgumentException e) {
      return -1;
    }
    return -1;
  }

  private static Node find(Node node, String name) {
    if (name.equals(node.getNodeName())) {
      return node;
    }
    for (Node child = node.getFirstChild(); child != null; child = child.getNextSibling()) {
      Node found = find(child, name);
      if (found != null) {
        return found;
      }
    }
    return null;
  }

  private static int clamp(double v) {
    return (int) Math.max(0, Math.min(255, Math.round(v)));
  }

  private static String describe(Exception e) {
    String m = e.getMessage();
    return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
  }

  private static String hexPrefix(byte[] b) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < Math.min(8, b.length); i++) {
      sb.append(String.format("%02x", b[i] & 0xFF));
    }
    return sb.toString();
  }
}
