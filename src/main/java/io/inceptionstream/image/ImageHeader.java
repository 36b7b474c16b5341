package io.inceptionstream.image;

import io.inceptionstream.image.ImageRejectedException.Reason;
import java.util.Arrays;
import java.util.zip.CRC32;

/**
 * What an encoded image declares about itself, read straight from its header bytes before any
 * decoder sees them. ImageIO's readers disagree on how they report an absurd header (a BMP of
 * 100000x100000 is "Invalid width/height", a JPEG of 65535x65535 "Maximum supported image
 * dimension"), so the size limit is checked on these numbers instead. Immutable.
 *
 * @param format the detected format
 * @param width declared width; may be zero or negative when the header is bad
 * @param height declared height, positive for top-down BMPs too
 * @param components JPEG only: colour components in the frame (1, 3 or 4), else 0
 * @param adobeTransform JPEG only: the Adobe APP14 transform flag, or -1 without that marker
 * @param scans JPEG only: the number of scans (SOS markers); progressive files have several
 * @param iccSegments JPEG only: {@code [start, end)} byte ranges of APP2 ICC profile segments
 */
record ImageHeader(
    ImageFormat format,
    long width,
    long height,
    int components,
    int adobeTransform,
    int scans,
    int[] iccSegments) {

  private static final int[] NONE = new int[0];

  /** Reads the header of bytes already detected as {@code format} (not AUTO or RAW_RGB8). */
  static ImageHeader read(byte[] b, ImageFormat format) throws ImageRejectedException {
    return switch (format) {
      case PNG -> png(b);
      case GIF -> gif(b);
      case BMP -> bmp(b);
      case JPEG -> jpeg(b);
      default -> throw new IllegalArgumentException("No header to read for " + format);
    };
  }

  /**
   * The bytes without their embedded ICC profile, so the decoder returns colours as stored (as
   * PIL's {@code convert('RGB')} does) instead of converting them from the profile's space.
   */
  byte[] withoutIccProfile(byte[] b) {
    if (iccSegments.length == 0) {
      return b;
    }
    int removed = 0;
    for (int i = 0; i < iccSegments.length; i += 2) {
      removed += iccSegments[i + 1] - iccSegments[i];
    }
    byte[] out = new byte[b.length - removed];
    int from = 0;
    int to = 0;
    for (int i = 0; i < iccSegments.length; i += 2) {
      int n = iccSegments[i] - from;
      System.arraycopy(b, from, out, to, n);
      to += n;
      from = iccSegments[i + 1];
    }
    System.arraycopy(b, from, out, to, b.length - from);
    return out;
  }

  private static ImageHeader of(ImageFormat format, long width, long height) {
    return new ImageHeader(format, width, height, 0, -1, 0, NONE);
  }

  // PNG: 8-byte signature, then the IHDR chunk: length 13, "IHDR", width, height (big-endian,
  // unsigned), five more bytes, CRC.
  private static ImageHeader png(byte[] b) throws ImageRejectedException {
    byte[] signature = {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10};
    if (b.length < 8 || !Arrays.equals(b, 0, 8, signature, 0, 8)) {
      throw corrupt("PNG signature is damaged (starts with " + ImageDecoder.hexPrefix(b) + ")");
    }
    if (b.length < 33) {
      throw corrupt("PNG is truncated inside its IHDR header (" + b.length + " bytes, needs 33)");
    }
    if (u32be(b, 8) != 13 || b[12] != 'I' || b[13] != 'H' || b[14] != 'D' || b[15] != 'R') {
      throw corrupt("PNG does not start with a 13-byte IHDR chunk");
    }
    CRC32 crc = new CRC32();
    crc.update(b, 12, 17);
    if (crc.getValue() != u32be(b, 29)) {
      throw corrupt("PNG IHDR chunk fails its CRC check");
    }
    return of(ImageFormat.PNG, u32be(b, 16), u32be(b, 20));
  }

  // GIF: 6-byte signature, logical screen (little-endian width, height, flags, 2 bytes), optional
  // global colour table, then extension blocks until the first image descriptor.
  private static ImageHeader gif(byte[] b) throws ImageRejectedException {
    if (b.length < 13) {
      throw corrupt("GIF is truncated inside its header (" + b.length + " bytes, needs 13)");
    }
    int i = 13;
    int flags = b[10] & 0xFF;
    if ((flags & 0x80) != 0) {
      i += 3 << ((flags & 7) + 1);
    }
    while (i < b.length) {
      int block = b[i] & 0xFF;
      if (block == 0x2C) {
        if (i + 10 > b.length) {
          break;
        }
        // The decoder allocates the first frame, not the logical screen.
        return of(ImageFormat.GIF, u16le(b, i + 5), u16le(b, i + 7));
      } else if (block == 0x21) {
        i += 2;
        while (i < b.length) {
          int size = b[i] & 0xFF;
          i += 1 + size;
          if (size == 0) {
            break;
          }
        }
      } else if (block == 0x3B) {
        throw corrupt("GIF ends (trailer block) before its first image");
      } else {
        throw corrupt(String.format("GIF has an unknown block type 0x%02x at byte %d", block, i));
      }
    }
    throw corrupt("GIF is truncated before its first image descriptor");
  }

  // BMP: 14-byte file header, then a DIB header whose first field is its own size. The 12-byte
  // OS/2 core header has 16-bit dimensions; the others 32-bit signed ones, a negative height
  // meaning rows stored top-down.
  private static ImageHeader bmp(byte[] b) throws ImageRejectedException {
    if (b.length < 26) {
      throw corrupt(
          "BMP is truncated inside its header (" + b.length + " bytes, needs at least 26)");
    }
    long headerSize = u32le(b, 14);
    if (headerSize == 12) {
      return of(ImageFormat.BMP, u16le(b, 18), u16le(b, 20));
    }
    if (headerSize < 16 || headerSize > 0xFFFF) {
      throw corrupt("BMP has an invalid info header size of " + headerSize + " bytes");
    }
    if (b.length < 14 + Math.min(headerSize, 40)) {
      throw corrupt("BMP is truncated inside its " + headerSize + "-byte info header");
    }
    long width = s32le(b, 18);
    long height = s32le(b, 22);
    if (headerSize >= 40 && headerSize != 64) {
      long compression = u32le(b, 30);
      // BI_JPEG and BI_PNG wrap a whole JPEG or PNG whose own header could declare any size.
      if (compression == 4 || compression == 5) {
        throw new ImageRejectedException(
            Reason.UNSUPPORTED_FORMAT,
            "BMP with an embedded "
                + (compression == 4 ? "JPEG" : "PNG")
                + " image is not supported");
      }
    }
    return of(ImageFormat.BMP, width, Math.abs(height));
  }

  // JPEG: a sequence of marker segments. The frame header (SOFn) holds the size; scans (SOS) are
  // followed by entropy-coded data in which 0xFF is always stuffed (FF 00) or a restart marker.
  private static ImageHeader jpeg(byte[] b) throws ImageRejectedException {
    int n = b.length;
    int i = 2;
    long width = -1;
    long height = -1;
    int components = 0;
    int adobe = -1;
    int scans = 0;
    int[] icc = NONE;
    while (i < n) {
      if ((b[i] & 0xFF) != 0xFF) {
        // Stray bytes between segments: libjpeg skips them with a warning, and so do we.
        i++;
        continue;
      }
      while (i < n && (b[i] & 0xFF) == 0xFF) {
        i++;
      }
      if (i >= n) {
        break;
      }
      int marker = b[i++] & 0xFF;
      if (marker == 0xD9) {
        break;
      }
      if (marker == 0x00
          || marker == 0x01
          || marker == 0xD8
          || (marker >= 0xD0 && marker <= 0xD7)) {
        continue;
      }
      int start = i - 2;
      if (i + 2 > n) {
        break;
      }
      int length = u16be(b, i);
      int payload = i + 2;
      int end = i + length;
      if (length < 2) {
        throw corrupt(
            String.format(
                "JPEG marker 0xFF%02X at byte %d has an invalid length %d", marker, start, length));
      }
      if (end > n) {
        if (components == 0) {
          throw corrupt(
              String.format(
                  "JPEG is truncated inside its 0xFF%02X segment at byte %d", marker, start));
        }
        break;
      }
      if (isStartOfFrame(marker) && components == 0) {
        if (length < 8) {
          throw corrupt("JPEG frame header is too short (" + length + " bytes)");
        }
        checkProcess(marker, b[payload] & 0xFF);
        height = u16be(b, payload + 1);
        width = u16be(b, payload + 3);
        components = b[payload + 5] & 0xFF;
        if (components != 1 && components != 3 && components != 4) {
          throw new ImageRejectedException(
              Reason.UNSUPPORTED_FORMAT,
              "JPEG with " + components + " colour components is not supported");
        }
        if (length < 8 + 3 * components) {
          throw corrupt("JPEG frame header is too short for " + components + " components");
        }
      } else if (marker == 0xEE && length >= 14 && startsWith(b, payload, "Adobe")) {
        adobe = b[payload + 11] & 0xFF;
      } else if (marker == 0xE2 && length >= 16 && startsWith(b, payload, "ICC_PROFILE\0")) {
        icc = Arrays.copyOf(icc, icc.length + 2);
        icc[icc.length - 2] = start;
        icc[icc.length - 1] = end;
      } else if (marker == 0xDA) {
        if (components == 0) {
          throw corrupt("JPEG has a scan (SOS) before its frame header (SOF)");
        }
        scans++;
        i = skipEntropyCodedData(b, end);
        continue;
      }
      i = end;
    }
    if (components == 0) {
      throw corrupt("JPEG has no frame header (SOF marker); it is truncated or not a JPEG");
    }
    return new ImageHeader(ImageFormat.JPEG, width, height, components, adobe, scans, icc);
  }

  private static boolean isStartOfFrame(int marker) {
    return marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
  }

  /**
   * Rejects what the JDK's libjpeg cannot decode: only 8-bit Huffman baseline, extended,
   * progressive.
   */
  private static void checkProcess(int marker, int precision) throws ImageRejectedException {
    if (marker > 0xC2) {
      String process =
          switch (marker) {
            case 0xC3 -> "lossless";
            case 0xC5, 0xC6, 0xC7, 0xCD, 0xCE, 0xCF -> "hierarchical";
            default -> "arithmetic-coded";
          };
      throw new ImageRejectedException(
          Reason.UNSUPPORTED_FORMAT,
          String.format(
              "JPEG uses the %s process (SOF marker 0xFF%02X), which is not supported",
              process, marker));
    }
    if (precision != 8) {
      throw new ImageRejectedException(
          Reason.UNSUPPORTED_FORMAT,
          "JPEG with " + precision + "-bit samples is not supported (8-bit only)");
    }
  }

  /** The index of the next marker after entropy-coded data that starts at {@code i}. */
  private static int skipEntropyCodedData(byte[] b, int i) {
    int n = b.length;
    while (i < n - 1) {
      if ((b[i] & 0xFF) != 0xFF) {
        i++;
        continue;
      }
      int next = b[i + 1] & 0xFF;
      if (next == 0x00 || (next >= 0xD0 && next <= 0xD7)) {
        i += 2;
      } else if (next == 0xFF) {
        i++;
      } else {
        return i;
      }
    }
    return n;
  }

  private static boolean startsWith(byte[] b, int at, String ascii) {
    for (int k = 0; k < ascii.length(); k++) {
      if (b[at + k] != ascii.charAt(k)) {
        return false;
      }
    }
    return true;
  }

  private static ImageRejectedException corrupt(String message) {
    return new ImageRejectedException(Reason.CORRUPT_IMAGE, message);
  }

  private static long u32be(byte[] b, int i) {
    return (long) (b[i] & 0xFF) << 24
        | (b[i + 1] & 0xFF) << 16
        | (b[i + 2] & 0xFF) << 8
        | (b[i + 3] & 0xFF);
  }

  private static int u16be(byte[] b, int i) {
    return (b[i] & 0xFF) << 8 | (b[i + 1] & 0xFF);
  }

  private static int u16le(byte[] b, int i) {
    return (b[i] & 0xFF) | (b[i + 1] & 0xFF) << 8;
  }

  private static long u32le(byte[] b, int i) {
    return s32le(b, i) & 0xFFFFFFFFL;
  }

  private static int s32le(byte[] b, int i) {
    return (b[i] & 0xFF)
        | (b[i + 1] & 0xFF) << 8
        | (b[i + 2] & 0xFF) << 16
        | (b[i + 3] & 0xFF) << 24;
  }
}
