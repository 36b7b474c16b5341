package io.inceptionstream.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ImageFormatTest {

  @Test
  void detectsEachFormatFromWhatItsEncoderWrites() {
    BufferedImage rgb = new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB);
    assertEquals(ImageFormat.PNG, ImageFormat.detect(TestImages.encode(rgb, "png")));
    assertEquals(ImageFormat.JPEG, ImageFormat.detect(TestImages.encode(rgb, "jpeg")));
    assertEquals(ImageFormat.BMP, ImageFormat.detect(TestImages.encode(rgb, "bmp")));
    assertEquals(ImageFormat.GIF, ImageFormat.detect(TestImages.encode(rgb, "gif")));
  }

  @Test
  void detectsFromTheMagicBytesAlone() {
    assertEquals(
        ImageFormat.JPEG, ImageFormat.detect(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF}));
    assertEquals(
        ImageFormat.PNG,
        ImageFormat.detect(new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10}));
    assertEquals(ImageFormat.GIF, ImageFormat.detect(ascii("GIF87a")));
    assertEquals(ImageFormat.GIF, ImageFormat.detect(ascii("GIF89a")));
    assertEquals(ImageFormat.BMP, ImageFormat.detect(ascii("BM")));
  }

  @Test
  void detectsNothingInOtherOrTooShortBytes() {
    assertNull(ImageFormat.detect(new byte[0]));
    assertNull(ImageFormat.detect(new byte[] {(byte) 0xFF, (byte) 0xD8}));
    assertNull(ImageFormat.detect(new byte[] {(byte) 0x89, 'P', 'N', 'G'}));
    assertNull(ImageFormat.detect(ascii("GIF8")));
    assertNull(ImageFormat.detect(ascii("B")));
    assertNull(ImageFormat.detect(ascii("RIFF\0\0\0\0WEBPVP8 ")));
    assertNull(ImageFormat.detect(ascii("II*\0")));
    assertNull(ImageFormat.detect(ascii("<svg xmlns=")));
  }

  @Test
  void parsesNamesInAnyCaseWithDashesOrUnderscores() {
    assertEquals(ImageFormat.RAW_RGB8, ImageFormat.parse("raw-rgb8"));
    assertEquals(ImageFormat.RAW_RGB8, ImageFormat.parse("RAW_RGB8"));
    assertEquals(ImageFormat.PNG, ImageFormat.parse(" png "));
    assertEquals(ImageFormat.JPEG, ImageFormat.parse("Jpeg"));
    assertEquals(ImageFormat.AUTO, ImageFormat.parse("auto"));
  }

  @Test
  void refusesAnUnknownNameListingTheAcceptedOnes() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ImageFormat.parse("webp"));
    assertTrue(e.getMessage().contains("'webp'"), e.getMessage());
    assertTrue(e.getMessage().contains("auto, jpeg, png, bmp, gif, raw_rgb8"), e.getMessage());
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }
}
