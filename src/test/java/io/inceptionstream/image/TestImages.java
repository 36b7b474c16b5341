package io.inceptionstream.image;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.color.ColorSpace;
import java.awt.color.ICC_Profile;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.DeflaterOutputStream;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/**
 * Builds test images in memory with the JDK's own encoders or byte by byte; no image file is read
 * from disk. Every method is a pure function of its arguments.
 */
final class TestImages {

  private TestImages() {}

  /** Encodes with ImageIO's writer for {@code format} ("png", "gif", "bmp", "jpeg"). */
  static byte[] encode(BufferedImage image, String format) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      assertTrue(
          ImageIO.write(image, format, out), "no ImageIO writer for " + format + " and " + image);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** A JPEG at the best quality, so flat 8x8 blocks survive to within a level or two. */
  static byte[] jpeg(BufferedImage image, boolean progressive) {
    return jpeg(new IIOImage(image, null, null), progressive);
  }

  /** A JPEG of raw samples: a 4-band raster is written as 4 components with no colour transform. */
  static byte[] jpeg(Raster raster) {
    return jpeg(new IIOImage(raster, null, null), false);
  }

  private static byte[] jpeg(IIOImage image, boolean progressive) {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
      writer.setOutput(out);
      ImageWriteParam param = writer.getDefaultWriteParam();
      param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
      param.setCompressionQuality(1.0f);
      if (progressive) {
        param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
      }
      writer.write(null, image, param);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      writer.dispose();
    }
    return bytes.toByteArray();
  }

  /** An animated GIF whose frames are the given images, in order. */
  static byte[] animatedGif(BufferedImage... frames) {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("gif").next();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
      writer.setOutput(out);
      writer.prepareWriteSequence(null);
      for (BufferedImage frame : frames) {
        writer.writeToSequence(new IIOImage(frame, null, null), null);
      }
      writer.endWriteSequence();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      writer.dispose();
    }
    return bytes.toByteArray();
  }

  /** An image whose pixels are {@code rgb[y][x]} (0xRRGGBB), of the given BufferedImage type. */
  static BufferedImage image(int type, int[][] rgb) {
    BufferedImage image = new BufferedImage(rgb[0].length, rgb.length, type);
    for (int y = 0; y < rgb.length; y++) {
      for (int x = 0; x < rgb[0].length; x++) {
        image.setRGB(x, y, rgb[y][x]);
      }
    }
    return image;
  }

  /** A component image (gray or sRGB, 8 or 16 bits, with or without alpha) of raw samples. */
  static BufferedImage componentImage(
      boolean gray, boolean alpha, int bits, int width, int height) {
    ColorSpace cs = ColorSpace.getInstance(gray ? ColorSpace.CS_GRAY : ColorSpace.CS_sRGB);
    int bands = (gray ? 1 : 3) + (alpha ? 1 : 0);
    int[] sizes = new int[bands];
    java.util.Arrays.fill(sizes, bits);
    ColorModel cm =
        new ComponentColorModel(
            cs,
            sizes,
            alpha,
            false,
            alpha ? java.awt.Transparency.TRANSLUCENT : java.awt.Transparency.OPAQUE,
            bits == 16 ? DataBuffer.TYPE_USHORT : DataBuffer.TYPE_BYTE);
    WritableRaster raster = cm.createCompatibleWritableRaster(width, height);
    return new BufferedImage(cm, raster, false, null);
  }

  /** One PNG chunk with its length and a correct CRC. */
  static byte[] pngChunk(String type, byte[] data) {
    ByteBuffer b = ByteBuffer.allocate(12 + data.length);
    byte[] t = type.getBytes(StandardCharsets.ISO_8859_1);
    b.putInt(data.length).put(t).put(data);
    CRC32 crc = new CRC32();
    crc.update(t);
    crc.update(data);
    b.putInt((int) crc.getValue());
    return b.array();
  }

  /** A PNG made of a signature, an IHDR declaring {@code width x height}, and the given chunks. */
  static byte[] png(long width, long height, int bitDepth, int colourType, byte[]... chunks) {
    ByteBuffer ihdr = ByteBuffer.allocate(13);
    ihdr.putInt((int) width).putInt((int) height).put((byte) bitDepth).put((byte) colourType);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10});
    out.writeBytes(pngChunk("IHDR", ihdr.array()));
    for (byte[] chunk : chunks) {
      out.writeBytes(chunk);
    }
    out.writeBytes(pngChunk("IEND", new byte[0]));
    return out.toByteArray();
  }

  /** zlib-compresses bytes, for IDAT, zTXt and iCCP chunks. */
  static byte[] zlib(byte[] data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (DeflaterOutputStream z = new DeflaterOutputStream(out)) {
      z.write(data);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** A 24-bit BMP with a 40-byte info header; {@code topDown} stores rows first-to-last. */
  static byte[] bmp24(int[][] rgb, boolean topDown) {
    int h = rgb.length;
    int w = rgb[0].length;
    int stride = (w * 3 + 3) & ~3;
    ByteBuffer b = bmpHeader(w, topDown ? -h : h, 24, 0, stride * h);
    for (int row = 0; row < h; row++) {
      int y = topDown ? row : h - 1 - row;
      for (int x = 0; x < w; x++) {
        int p = rgb[y][x];
        b.put((byte) p).put((byte) (p >> 8)).put((byte) (p >> 16));
      }
      b.position(b.position() + stride - w * 3);
    }
    return b.array();
  }

  /** A BMP file and info header with room for {@code dataBytes} of pixels after it. */
  static ByteBuffer bmpHeader(
      int width, int height, int bitsPerPixel, int compression, int dataBytes) {
    ByteBuffer b = ByteBuffer.allocate(54 + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
    b.put((byte) 'B').put((byte) 'M').putInt(54 + dataBytes).putInt(0).putInt(54);
    b.putInt(40).putInt(width).putInt(height).putShort((short) 1).putShort((short) bitsPerPixel);
    b.putInt(compression).putInt(dataBytes).putInt(2835).putInt(2835).putInt(0).putInt(0);
    return b;
  }

  /** A GIF89a header, a 2-colour global table and one image descriptor, then a trailer. */
  static byte[] gifHeader(int screenWidth, int screenHeight, int frameWidth, int frameHeight) {
    ByteBuffer b = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
    b.put("GIF89a".getBytes(StandardCharsets.US_ASCII));
    b.putShort((short) screenWidth)
        .putShort((short) screenHeight)
        .put((byte) 0x80)
        .put((byte) 0)
        .put((byte) 0);
    b.put(new byte[] {0, 0, 0, (byte) 255, (byte) 255, (byte) 255});
    b.put((byte) 0x2C).putShort((short) 0).putShort((short) 0);
    b.putShort((short) frameWidth).putShort((short) frameHeight).put((byte) 0);
    // LZW minimum code size 2, one data sub-block (clear, 0, end), block terminator, trailer.
    b.put((byte) 2).put((byte) 2).put((byte) 0x44).put((byte) 0x01).put((byte) 0).put((byte) 0x3B);
    byte[] out = new byte[b.position()];
    b.flip().get(out);
    return out;
  }

  /** {@code bytes} with {@code insert} placed at {@code at}. */
  static byte[] insert(byte[] bytes, int at, byte[] insert) {
    byte[] out = new byte[bytes.length + insert.length];
    System.arraycopy(bytes, 0, out, 0, at);
    System.arraycopy(insert, 0, out, at, insert.length);
    System.arraycopy(bytes, at, out, at + insert.length, bytes.length - at);
    return out;
  }

  /** The index of the first {@code FF marker} pair in a JPEG, or -1. */
  static int jpegMarker(byte[] b, int marker) {
    for (int i = 2; i < b.length - 1; i++) {
      if ((b[i] & 0xFF) == 0xFF && (b[i + 1] & 0xFF) == marker) {
        return i;
      }
    }
    return -1;
  }

  /** An Adobe APP14 segment with the given transform (0 CMYK or RGB, 1 YCbCr, 2 YCCK). */
  static byte[] adobeSegment(int transform) {
    return new byte[] {
      (byte) 0xFF, (byte) 0xEE, 0, 14, 'A', 'd', 'o', 'b', 'e', 0, 100, 0, 0, 0, 0, (byte) transform
    };
  }

  /** An APP2 segment carrying a whole ICC profile (one chunk of one). */
  static byte[] iccSegment(ICC_Profile profile) {
    byte[] data = profile.getData();
    ByteBuffer b = ByteBuffer.allocate(4 + 14 + data.length);
    b.put((byte) 0xFF).put((byte) 0xE2).putShort((short) (2 + 14 + data.length));
    b.put("ICC_PROFILE\0".getBytes(StandardCharsets.US_ASCII))
        .put((byte) 1)
        .put((byte) 1)
        .put(data);
    return b.array();
  }

  /** The bytes the current thread allocates while {@code action} runs (HotSpot's counter). */
  static long allocatedBy(ThrowingRunnable action) throws Exception {
    com.sun.management.ThreadMXBean mx =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long before = mx.getCurrentThreadAllocatedBytes();
    action.run();
    return mx.getCurrentThreadAllocatedBytes() - before;
  }

  /** A runnable that may throw, for {@link #allocatedBy}. */
  interface ThrowingRunnable {
    void run() throws Exception;
  }
}
