package io.inceptionstream.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.inceptionstream.image.ImageDecoder;
import io.inceptionstream.image.ImageFormat;
import io.inceptionstream.image.ImageLimits;
import io.inceptionstream.image.ImageRejectedException;
import io.inceptionstream.image.RgbImage;
import org.junit.jupiter.api.BeforeAll;

/**
 * Fuzzes {@link ImageDecoder#decode(byte[], ImageFormat, int, int)} with auto-detection under small
 * limits (1 MiB, 4 megapixels), so that the time and allocation bounds mean something: bad images
 * are an {@link ImageRejectedException}, only, and every decode gives its pixels back.
 */
class ImageDecoderFuzzTest {

  static final ImageLimits LIMITS = new ImageLimits(1024 * 1024, 4_000_000L);

  private static final String METHOD = "decoderRejectsBadImagesWithAnImageRejectedException";

  private static final ImageDecoder DECODER = new ImageDecoder(LIMITS);

  @BeforeAll
  static void warmUp() throws Exception {
    InputBounds.warmUp(ImageDecoderFuzzTest.class, METHOD, ImageDecoderFuzzTest::target);
  }

  @FuzzTest(maxExecutions = 8_000, maxDuration = "12s")
  void decoderRejectsBadImagesWithAnImageRejectedException(byte[] bytes) throws Exception {
    InputBounds.check(() -> target(bytes));
  }

  private static void target(byte[] bytes) throws Exception {
    try {
      RgbImage image = DECODER.decode(bytes, ImageFormat.AUTO, 0, 0);
      assertTrue((long) image.width() * image.height() <= LIMITS.maxPixels());
      assertEquals((long) image.width() * image.height(), image.pixels().length);
    } catch (ImageRejectedException e) {
      assertNotNull(e.reason());
    }
    assertEquals(DECODER.budget().capacity(), DECODER.budget().available(), "budget leaked");
  }
}
