package io.inceptionstream.fuzz;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.inceptionstream.image.ImageFormat;
import io.inceptionstream.image.ImageRejectedException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import org.junit.jupiter.api.BeforeAll;

/**
 * Fuzzes the package-private {@code ImageHeader.read} (through reflection, to keep the fuzz tests
 * in one package) and {@code withoutIccProfile} on what it accepts: bad headers are an {@link
 * ImageRejectedException}, only. Bytes in no known format get a magic number picked by their first
 * byte, so that every input reaches a header parser.
 */
class ImageHeaderFuzzTest {

  private static final Method READ;
  private static final Method WITHOUT_ICC;

  static {
    try {
      Class<?> header = Class.forName("io.inceptionstream.image.ImageHeader");
      READ = header.getDeclaredMethod("read", byte[].class, ImageFormat.class);
      WITHOUT_ICC = header.getDeclaredMethod("withoutIccProfile", byte[].class);
      READ.setAccessible(true);
      WITHOUT_ICC.setAccessible(true);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private static final byte[][] MAGIC = {
    {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF},
    {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10},
    {'G', 'I', 'F', '8', '9', 'a'},
    {'B', 'M'}
  };

  private static final String METHOD = "headerReaderRejectsBadHeadersWithAnImageRejectedException";

  @BeforeAll
  static void warmUp() throws Exception {
    InputBounds.warmUp(ImageHeaderFuzzTest.class, METHOD, ImageHeaderFuzzTest::target);
  }

  @FuzzTest(maxExecutions = 30_000, maxDuration = "12s")
  void headerReaderRejectsBadHeadersWithAnImageRejectedException(byte[] input) throws Exception {
    InputBounds.check(() -> target(input));
  }

  private static void target(byte[] input) throws Exception {
    byte[] bytes = withMagic(input);
    ImageFormat format = ImageFormat.detect(bytes);
    assertNotNull(format);
    Object header;
    try {
      header = invoke(READ, null, bytes, format);
    } catch (ImageRejectedException e) {
      assertNotNull(e.reason());
      return;
    }
    byte[] stripped = (byte[]) invoke(WITHOUT_ICC, header, bytes);
    assertTrue(stripped.length <= bytes.length);
  }

  private static byte[] withMagic(byte[] input) {
    if (input.length > 0 && ImageFormat.detect(input) == null) {
      byte[] magic = MAGIC[Math.floorMod(input[0], MAGIC.length)];
      byte[] out = new byte[magic.length + input.length - 1];
      System.arraycopy(magic, 0, out, 0, magic.length);
      System.arraycopy(input, 1, out, magic.length, input.length - 1);
      return out;
    }
    return input.length == 0 ? MAGIC[3] : input;
  }

  /** Calls {@code m}, rethrowing what it threw rather than a reflection wrapper. */
  private static Object invoke(Method m, Object target, Object... args) throws Exception {
    try {
      return m.invoke(target, args);
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof Exception ex) {
        throw ex;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw e;
    }
  }
}
