package io.inceptionstream.train;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Reads the IDX format of MNIST, Fashion-MNIST and KMNIST: a big-endian magic number (two zero
 * bytes, the element type, the number of dimensions), one 32-bit size per dimension, then the
 * elements. Only unsigned bytes are read: 3-dimensional image files ({@code 0x00000803}) and
 * 1-dimensional label files ({@code 0x00000801}), gzip-compressed (by their magic bytes) or not.
 * Every malformed file is refused with an {@link IOException} naming it. Stateless.
 */
public final class IdxFiles {

  private IdxFiles() {}

  /** Most images read from one file: far above the 70,000 of the MNIST family. */
  static final int MAX_ITEMS = 10_000_000;

  /** Largest side accepted; the MNIST family uses 28. */
  static final int MAX_SIDE = 4096;

  /**
   * Grayscale images, one byte a pixel, row by row.
   *
   * @param count number of images
   * @param rows height of each
   * @param columns width of each
   * @param pixels count × rows × columns bytes
   */
  public record Images(int count, int rows, int columns, byte[] pixels) {}

  /**
   * Reads an image file.
   *
   * @param limit read at most this many images (the file is still checked up to them)
   */
  public static Images readImages(Path file, int limit) throws IOException {
    try (DataInputStream in = open(file)) {
      return readImages(in, file.toString(), limit);
    } catch (IOException e) {
      throw named(file, e);
    }
  }

  private static Images readImages(DataInputStream in, String file, int limit) throws IOException {
    {
      int[] dims = header(in, file, 0x0803, 3);
      int count = dims[0];
      int rows = dims[1];
      int cols = dims[2];
      if (count > MAX_ITEMS || rows < 1 || cols < 1 || rows > MAX_SIDE || cols > MAX_SIDE) {
        throw new IOException(
            file + ": implausible IDX image dimensions " + count + " x " + rows + " x " + cols);
      }
      int n = Math.min(count, Math.max(0, limit));
      byte[] pixels = new byte[Math.multiplyExact(Math.multiplyExact(n, rows), cols)];
      readFully(in, pixels, file, count + " images of " + rows + "x" + cols);
      return new Images(n, rows, cols, pixels);
    }
  }

  /**
   * Reads a label file.
   *
   * @param limit read at most this many labels
   */
  public static int[] readLabels(Path file, int limit) throws IOException {
    try (DataInputStream in = open(file)) {
      return readLabels(in, file.toString(), limit);
    } catch (IOException e) {
      throw named(file, e);
    }
  }

  private static int[] readLabels(DataInputStream in, String file, int limit) throws IOException {
    {
      int count = header(in, file, 0x0801, 1)[0];
      if (count > MAX_ITEMS) {
        throw new IOException(file + ": implausible IDX label count " + count);
      }
      byte[] raw = new byte[Math.min(count, Math.max(0, limit))];
      readFully(in, raw, file, count + " labels");
      int[] labels = new int[raw.length];
      for (int i = 0; i < raw.length; i++) {
        labels[i] = raw[i] & 0xFF;
      }
      return labels;
    }
  }

  /**
   * Reads images from a stream (gzip-compressed or not), such as a resource in the jar.
   *
   * @param name names the source in error messages
   */
  public static Images readImages(InputStream in, String name, int limit) throws IOException {
    try (DataInputStream data = decompressed(new BufferedInputStream(in, 1 << 16))) {
      return readImages(data, name, limit);
    }
  }

  /**
   * Reads labels from a stream (gzip-compressed or not).
   *
   * @param name names the source in error messages
   */
  public static int[] readLabels(InputStream in, String name, int limit) throws IOException {
    try (DataInputStream data = decompressed(new BufferedInputStream(in, 1 << 16))) {
      return readLabels(data, name, limit);
    }
  }

  /** The number of items the file's header declares. */
  public static int count(Path file) throws IOException {
    try (DataInputStream in = open(file)) {
      int magic = in.readInt();
      int dimensions = magic & 0xFF;
      if ((magic >>> 16) != 0 || dimensions < 1) {
        throw new IOException(file + ": not an IDX file (magic " + hex(magic) + ")");
      }
      return in.readInt();
    } catch (EOFException e) {
      throw new IOException(file + ": truncated IDX header", e);
    }
  }

  private static int[] header(DataInputStream in, String file, int expectedMagic, int dimensions)
      throws IOException {
    try {
      int magic = in.readInt();
      if (magic != expectedMagic) {
        throw new IOException(
            file
                + ": wrong IDX magic "
                + hex(magic)
                + ", expected "
                + hex(expectedMagic)
                + (expectedMagic == 0x0803
                    ? " (unsigned-byte images, 3 dimensions)"
                    : " (unsigned-byte labels, 1 dimension)"));
      }
      int[] dims = new int[dimensions];
      for (int i = 0; i < dimensions; i++) {
        dims[i] = in.readInt();
        if (dims[i] < 0) {
          throw new IOException(file + ": negative IDX dimension " + dims[i]);
        }
      }
      return dims;
    } catch (EOFException e) {
      throw new IOException(file + ": truncated IDX header", e);
    }
  }

  private static void readFully(DataInputStream in, byte[] into, String file, String declared)
      throws IOException {
    try {
      in.readFully(into);
    } catch (EOFException e) {
      throw new IOException(file + ": truncated: the header declares " + declared, e);
    }
  }

  private static DataInputStream open(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new NoSuchFileException(file.toString(), null, "IDX file missing");
    }
    InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
    try {
      return decompressed(raw);
    } catch (IOException | RuntimeException e) {
      raw.close();
      throw new IOException(file + ": cannot be read: " + e.getMessage(), e);
    }
  }

  /** The stream, gunzipped when it starts with gzip's magic. */
  private static DataInputStream decompressed(InputStream raw) throws IOException {
    raw.mark(2);
    int b0 = raw.read();
    int b1 = raw.read();
    raw.reset();
    boolean gzip = b0 == 0x1f && b1 == 0x8b;
    return new DataInputStream(
        gzip ? new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16) : raw);
  }

  /** The exception, with the file named if its message does not already (a gzip error, say). */
  private static IOException named(Path file, IOException e) {
    String m = String.valueOf(e.getMessage());
    if (e instanceof NoSuchFileException || m.startsWith(file.toString())) {
      return e;
    }
    return new IOException(file + ": cannot be read: " + e, e);
  }

  private static String hex(int v) {
    return String.format("0x%08x", v);
  }
}
