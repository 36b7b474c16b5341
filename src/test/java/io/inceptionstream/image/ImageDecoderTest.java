package io.inceptionstream.image;

import static io.inceptionstream.image.TestImages.adobeSegment;
import static io.inceptionstream.image.TestImages.allocatedBy;
import static io.inceptionstream.image.TestImages.animatedGif;
import static io.inceptionstream.image.TestImages.bmp24;
import static io.inceptionstream.image.TestImages.bmpHeader;
import static io.inceptionstream.image.TestImages.componentImage;
import static io.inceptionstream.image.TestImages.encode;
import static io.inceptionstream.image.TestImages.gifHeader;
import static io.inceptionstream.image.TestImages.iccSegment;
import static io.inceptionstream.image.TestImages.image;
import static io.inceptionstream.image.TestImages.insert;
import static io.inceptionstream.image.TestImages.jpeg;
import static io.inceptionstream.image.TestImages.jpegMarker;
import static io.inceptionstream.image.TestImages.png;
import static io.inceptionstream.image.TestImages.pngChunk;
import static io.inceptionstream.image.TestImages.zlib;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.inceptionstream.image.ImageRejectedException.Reason;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.color.ColorSpace;
import java.awt.color.ICC_Profile;
import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class ImageDecoderTest {

  private final ImageDecoder decoder = new ImageDecoder(ImageLimits.DEFAULT);

  // ---- Formats and colour models ----------------------------------------------------------

  @Test
  void decodesAnRgbPngPixelForPixel() throws Exception {
    int[][] rgb = randomRgb(new Random(1), 37, 23);
    RgbImage decoded = decoder.decode(encode(image(BufferedImage.TYPE_INT_RGB, rgb), "png"));
    assertPixels(rgb, decoded, 0);
  }

  @Test
  void keepsTheStoredValueOfEightBitGrayInsteadOfBrighteningIt() throws Exception {
    BufferedImage gray = new BufferedImage(16, 16, BufferedImage.TYPE_BYTE_GRAY);
    WritableRaster r = gray.getRaster();
    for (int i = 0; i < 256; i++) {
      r.setSample(i % 16, i / 16, 0, i);
    }
    byte[] png = encode(gray, "png");
    assertColourType(png, 8, 0);
    RgbImage decoded = decoder.decode(png);
    for (int i = 0; i < 256; i++) {
      assertEquals(i * 0x010101, decoded.pixels()[i], "gray " + i);
    }
    // The JDK's own conversion treats gray as linear light: 100 would come back near 0xA0.
    assertNotEquals(
        100 * 0x010101, ImageIO.read(new ByteArrayInputStream(png)).getRGB(4, 6) & 0xFFFFFF);
  }

  @Test
  void keepsTheHighByteOfSixteenBitGray() throws Exception {
    BufferedImage gray = componentImage(true, false, 16, 4, 1);
    int[] samples = {0x0000, 0x64FF, 0x8000, 0xFFFF};
    gray.getRaster().setSamples(0, 0, 4, 1, 0, samples);
    byte[] png = encode(gray, "png");
    assertColourType(png, 16, 0);
    assertArrayEquals(new int[] {0, 0x646464, 0x808080, 0xFFFFFF}, decoder.decode(png).pixels());
  }

  @Test
  void scalesOneTwoAndFourBitGrayToTheFullRange() throws Exception {
    // Hand-written: one row of four pixels with levels 0..3 at 2 bits, filter byte 0.
    byte[] twoBit = png(4, 1, 2, 0, pngChunk("IDAT", zlib(new byte[] {0, 0b00_01_10_11})));
    assertArrayEquals(new int[] {0, 0x555555, 0xAAAAAA, 0xFFFFFF}, decoder.decode(twoBit).pixels());
    byte[] oneBit = png(2, 1, 1, 0, pngChunk("IDAT", zlib(new byte[] {0, (byte) 0b0100_0000})));
    assertArrayEquals(new int[] {0, 0xFFFFFF}, decoder.decode(oneBit).pixels());
    byte[] fourBit = png(2, 1, 4, 0, pngChunk("IDAT", zlib(new byte[] {0, (byte) 0x7F})));
    assertArrayEquals(new int[] {0x777777, 0xFFFFFF}, decoder.decode(fourBit).pixels());
  }

  @Test
  void dropsTheAlphaOfGrayAlphaKeepingTheGray() throws Exception {
    BufferedImage ga = componentImage(true, true, 8, 3, 1);
    ga.getRaster().setPixels(0, 0, 3, 1, new int[] {10, 0, 128, 128, 250, 255});
    byte[] png = encode(ga, "png");
    assertColourType(png, 8, 4);
    assertArrayEquals(new int[] {0x0A0A0A, 0x808080, 0xFAFAFA}, decoder.decode(png).pixels());
  }

  @Test
  void keepsTheStoredColourOfTransparentRgbaPixels() throws Exception {
    BufferedImage rgba = new BufferedImage(3, 1, BufferedImage.TYPE_INT_ARGB);
    rgba.setRGB(0, 0, 0x00123456);
    rgba.setRGB(1, 0, 0x80FF8000);
    rgba.setRGB(2, 0, 0xFF0000FF);
    byte[] png = encode(rgba, "png");
    assertColourType(png, 8, 6);
    assertArrayEquals(new int[] {0x123456, 0xFF8000, 0x0000FF}, decoder.decode(png).pixels());
  }

  @Test
  void keepsTheHighByteOfSixteenBitRgbAndRgba() throws Exception {
    BufferedImage rgb16 = componentImage(false, false, 16, 2, 1);
    rgb16
        .getRaster()
        .setPixels(0, 0, 2, 1, new int[] {0x12FF, 0x3400, 0x56AB, 0xFFFF, 0x0001, 0x8080});
    byte[] png = encode(rgb16, "png");
    assertColourType(png, 16, 2);
    assertArrayEquals(new int[] {0x123456, 0xFF0080}, decoder.decode(png).pixels());

    BufferedImage rgba16 = componentImage(false, true, 16, 1, 1);
    rgba16.getRaster().setPixel(0, 0, new int[] {0xAB00, 0xCDFF, 0xEF12, 0});
    byte[] png16a = encode(rgba16, "png");
    assertColourType(png16a, 16, 6);
    assertArrayEquals(new int[] {0xABCDEF}, decoder.decode(png16a).pixels());
  }

  @Test
  void decodesPalettePngsIncludingTransparentEntriesToThePaletteColour() throws Exception {
    byte[] r = {(byte) 255, 0, 0, 17};
    byte[] g = {0, (byte) 255, 0, 34};
    byte[] b = {0, 0, (byte) 255, 51};
    byte[] a = {(byte) 255, (byte) 128, 0, 0};
    IndexColorModel palette = new IndexColorModel(8, 4, r, g, b, a);
    BufferedImage indexed = new BufferedImage(4, 1, BufferedImage.TYPE_BYTE_INDEXED, palette);
    indexed.getRaster().setSamples(0, 0, 4, 1, 0, new int[] {3, 2, 1, 0});
    byte[] png = encode(indexed, "png");
    assertColourType(png, 8, 3);
    assertTrue(contains(png, "tRNS"), "the palette PNG should carry transparency");
    assertArrayEquals(
        new int[] {0x112233, 0x0000FF, 0x00FF00, 0xFF0000}, decoder.decode(png).pixels());

    IndexColorModel sixteen = new IndexColorModel(4, 16, ramp(16, 7), ramp(16, 3), ramp(16, 11));
    BufferedImage fourBit = new BufferedImage(16, 1, BufferedImage.TYPE_BYTE_BINARY, sixteen);
    for (int x = 0; x < 16; x++) {
      fourBit.getRaster().setSample(x, 0, 0, 15 - x);
    }
    byte[] png4 = encode(fourBit, "png");
    assertColourType(png4, 4, 3);
    RgbImage decoded = decoder.decode(png4);
    for (int x = 0; x < 16; x++) {
      assertEquals(sixteen.getRGB(15 - x) & 0xFFFFFF, decoded.pixels()[x], "pixel " + x);
    }
  }

  @Test
  void ignoresAnIccProfileEmbeddedInPng() throws Exception {
    int[][] rgb = {{0x102030, 0x808080, 0xF0E0D0}};
    byte[] png = encode(image(BufferedImage.TYPE_INT_RGB, rgb), "png");
    ByteArrayOutputStream iccp = new ByteArrayOutputStream();
    iccp.writeBytes("linear\0\0".getBytes(StandardCharsets.ISO_8859_1));
    iccp.writeBytes(zlib(ICC_Profile.getInstance(ColorSpace.CS_LINEAR_RGB).getData()));
    byte[] tagged = insert(png, 33, pngChunk("iCCP", iccp.toByteArray()));
    assertPixels(rgb, decoder.decode(tagged), 0);
  }

  @Test
  void doesNotInflateTextChunksWhileDecodingAPng() throws Exception {
    // A zTXt chunk of 100 KB that inflates to 100 MB: ImageIO parses it unless metadata is ignored.
    ByteArrayOutputStream text = new ByteArrayOutputStream();
    text.writeBytes("Comment\0\0".getBytes(StandardCharsets.ISO_8859_1));
    text.writeBytes(zlib(new byte[100 << 20]));
    int[][] rgb = {{0xABCDEF, 0x123456}};
    byte[] bomb =
        insert(
            encode(image(BufferedImage.TYPE_INT_RGB, rgb), "png"),
            33,
            pngChunk("zTXt", text.toByteArray()));
    assertTrue(bomb.length < 200_000);
    RgbImage[] decoded = new RgbImage[1];
    long allocated = allocatedBy(() -> decoded[0] = decoder.decode(bomb));
    assertPixels(rgb, decoded[0], 0);
    assertTrue(allocated < 20 << 20, "allocated " + allocated + " bytes");
  }

  @Test
  void decodesTheFirstFrameOfAnAnimatedGif() throws Exception {
    // At least 8 rows: the JDK's GIF writer garbles the last row of tinier interlaced images.
    BufferedImage red = image(BufferedImage.TYPE_BYTE_INDEXED, fill(16, 12, 0xFF0000));
    BufferedImage blue = image(BufferedImage.TYPE_BYTE_INDEXED, fill(16, 12, 0x0000FF));
    RgbImage decoded = decoder.decode(animatedGif(red, blue));
    assertPixels(fill(16, 12, 0xFF0000), decoded, 0);
  }

  @Test
  void decodesGifTransparencyToThePaletteColour() throws Exception {
    byte[] r = {(byte) 200, 10};
    byte[] g = {(byte) 100, 20};
    byte[] b = {(byte) 50, 30};
    IndexColorModel palette = new IndexColorModel(8, 2, r, g, b, 0);
    BufferedImage indexed = new BufferedImage(2, 1, BufferedImage.TYPE_BYTE_INDEXED, palette);
    indexed.getRaster().setSamples(0, 0, 2, 1, 0, new int[] {0, 1});
    byte[] gif = encode(indexed, "gif");
    assertArrayEquals(new int[] {0xC86432, 0x0A141E}, decoder.decode(gif).pixels());
  }

  @Test
  void decodesBmpsOfTwentyFourSixteenAndEightBits() throws Exception {
    int[][] rgb = randomRgb(new Random(2), 7, 5);
    assertPixels(rgb, decoder.decode(encode(image(BufferedImage.TYPE_3BYTE_BGR, rgb), "bmp")), 0);
    // 5-6-5 keeps 5 or 6 bits a channel; compare with what the JDK itself makes of the pixels.
    BufferedImage s565 = image(BufferedImage.TYPE_USHORT_565_RGB, rgb);
    assertPixels(rgbOf(s565), decoder.decode(encode(s565, "bmp")), 0);
    int[][] few = {{0xFF0000, 0x00FF00, 0x0000FF}, {0x000000, 0xFFFFFF, 0xFF0000}};
    BufferedImage indexed = image(BufferedImage.TYPE_BYTE_INDEXED, few);
    byte[] bmp8 = encode(indexed, "bmp");
    assertEquals(8, bmp8[28], "bits per pixel");
    assertPixels(few, decoder.decode(bmp8), 0);
  }

  @Test
  void decodesBottomUpAndTopDownBmpsTheRightWayUp() throws Exception {
    int[][] rgb = {{0x010203, 0x040506, 0x070809}, {0x0A0B0C, 0x0D0E0F, 0x101112}};
    assertPixels(rgb, decoder.decode(bmp24(rgb, false)), 0);
    assertPixels(rgb, decoder.decode(bmp24(rgb, true)), 0);
  }

  @Test
  void decodesAYCbCrJpegCloseToItsColours() throws Exception {
    int[] colours = {0xFF0000, 0x00FF00, 0x0000FF, 0x808080, 0xC86432, 0xFFFFFF};
    BufferedImage blocks = blockImage(colours);
    for (boolean progressive : new boolean[] {false, true}) {
      RgbImage decoded = decoder.decode(jpeg(blocks, progressive));
      for (int i = 0; i < colours.length; i++) {
        assertClose(
            colours[i], decoded.pixels()[i * 16 + 4 + 4 * decoded.width()], 3, "colour " + i);
      }
    }
  }

  @Test
  void keepsTheStoredValueOfGrayJpegs() throws Exception {
    BufferedImage gray = new BufferedImage(16, 8, BufferedImage.TYPE_BYTE_GRAY);
    for (int x = 0; x < 16; x++) {
      for (int y = 0; y < 8; y++) {
        gray.getRaster().setSample(x, y, 0, x < 8 ? 100 : 200);
      }
    }
    RgbImage decoded = decoder.decode(jpeg(gray, false));
    assertClose(0x646464, decoded.pixels()[3 * 16 + 3], 1, "gray 100");
    assertClose(0xC8C8C8, decoded.pixels()[3 * 16 + 12], 1, "gray 200");
  }

  @Test
  void ignoresAnIccProfileEmbeddedInJpeg() throws Exception {
    byte[] plain = jpeg(blockImage(new int[] {0x0AC83C, 0xFA0580}), false);
    int afterApp0 = 4 + (((plain[4] & 0xFF) << 8) | (plain[5] & 0xFF));
    byte[] tagged =
        insert(plain, afterApp0, iccSegment(ICC_Profile.getInstance(ColorSpace.CS_LINEAR_RGB)));
    // The JDK alone converts from the linear profile, which brightens the colours a lot.
    int jdk = ImageIO.read(new ByteArrayInputStream(tagged)).getRGB(4, 4) & 0xFFFFFF;
    RgbImage decoded = decoder.decode(tagged);
    assertArrayEquals(decoder.decode(plain).pixels(), decoded.pixels());
    assertClose(0x0AC83C, decoded.pixels()[4 * decoded.width() + 4], 3, "stored colour");
    assertTrue(
        Math.abs((jdk >> 16) - 0x0A) > 20,
        "the JDK should convert the profile: " + Integer.toHexString(jdk));
  }

  @Test
  void convertsCmykJpegsWithoutAnAdobeMarkerAsPlainInk() throws Exception {
    int[][] inks = {{10, 200, 60, 30}, {250, 5, 128, 0}, {0, 0, 0, 0}, {0, 0, 0, 255}};
    RgbImage decoded = decoder.decode(jpeg(fourBandBlocks(inks)));
    for (int i = 0; i < inks.length; i++) {
      assertClose(
          cmykToRgb(inks[i]), blockCentre(decoded, i), 3, "ink " + Arrays.toString(inks[i]));
    }
  }

  @Test
  void convertsAdobeCmykJpegsAsInvertedInk() throws Exception {
    int[][] inks = {{10, 200, 60, 30}, {250, 5, 128, 0}, {0, 0, 0, 0}, {0, 0, 0, 255}};
    int[][] stored = new int[inks.length][];
    for (int i = 0; i < inks.length; i++) {
      stored[i] = new int[4];
      for (int c = 0; c < 4; c++) {
        stored[i][c] = 255 - inks[i][c];
      }
    }
    byte[] jpeg = insert(jpeg(fourBandBlocks(stored)), 2, adobeSegment(0));
    RgbImage decoded = decoder.decode(jpeg);
    for (int i = 0; i < inks.length; i++) {
      assertClose(
          cmykToRgb(inks[i]), blockCentre(decoded, i), 3, "ink " + Arrays.toString(inks[i]));
    }
  }

  @Test
  void convertsAdobeYcckJpegsToTheSameColoursAsTheirCmyk() throws Exception {
    int[][] inks = {{10, 200, 60, 30}, {250, 5, 128, 0}, {0, 0, 0, 0}, {40, 90, 160, 100}};
    // libjpeg's CMYK-to-YCCK: the YCbCr of (255 - stored C, M, Y), stored K as is; Adobe stores
    // inverted ink, so the first three channels are the YCbCr of the inks themselves.
    int[][] ycck = new int[inks.length][];
    int[][] adobeCmyk = new int[inks.length][];
    for (int i = 0; i < inks.length; i++) {
      double r = inks[i][0];
      double g = inks[i][1];
      double b = inks[i][2];
      ycck[i] =
          new int[] {
            (int) Math.round(0.299 * r + 0.587 * g + 0.114 * b),
            (int) Math.round(128 - 0.168736 * r - 0.331264 * g + 0.5 * b),
            (int) Math.round(128 + 0.5 * r - 0.418688 * g - 0.081312 * b),
            255 - inks[i][3]
          };
      adobeCmyk[i] =
          new int[] {255 - inks[i][0], 255 - inks[i][1], 255 - inks[i][2], 255 - inks[i][3]};
    }
    RgbImage fromYcck = decoder.decode(insert(jpeg(fourBandBlocks(ycck)), 2, adobeSegment(2)));
    RgbImage fromCmyk = decoder.decode(insert(jpeg(fourBandBlocks(adobeCmyk)), 2, adobeSegment(0)));
    for (int i = 0; i < inks.length; i++) {
      assertClose(
          cmykToRgb(inks[i]), blockCentre(fromYcck, i), 3, "YCCK ink " + Arrays.toString(inks[i]));
      assertClose(blockCentre(fromCmyk, i), blockCentre(fromYcck, i), 3, "YCCK vs CMYK " + i);
    }
  }

  @Test
  void rejectsAFormatDeclaredDifferentlyFromTheBytes() throws Exception {
    byte[] png = encode(image(BufferedImage.TYPE_INT_RGB, fill(2, 2, 0x123456)), "png");
    assertRejected(
        Reason.UNSUPPORTED_FORMAT,
        "declared as JPEG",
        () -> decoder.decode(png, ImageFormat.JPEG, 0, 0));
    assertRejected(
        Reason.UNSUPPORTED_FORMAT,
        "declared as GIF",
        () -> decoder.decode(png, ImageFormat.GIF, 0, 0));
    assertPixels(fill(2, 2, 0x123456), decoder.decode(png, ImageFormat.PNG, 0, 0), 0);
  }

  // ---- Raw RGB8 ---------------------------------------------------------------------------

  @Test
  void decodesRawRgbRowMajor() throws Exception {
    byte[] raw = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, (byte) 255, 0, (byte) 128, 0, 0, 0};
    RgbImage decoded = decoder.decode(raw, ImageFormat.RAW_RGB8, 3, 2);
    assertArrayEquals(
        new int[] {0x010203, 0x040506, 0x070809, 0x0A0B0C, 0xFF0080, 0}, decoded.pixels());
    assertEquals(3, decoded.width());
  }

  @Test
  void treatsRawBytesAsPixelsEvenWhenTheyLookLikeAnotherFormat() throws Exception {
    byte[] raw = {(byte) 0x89, 'P', 'N', 'G', 13, 10};
    assertArrayEquals(
        new int[] {0x89504E, 0x470D0A}, decoder.decode(raw, ImageFormat.RAW_RGB8, 2, 1).pixels());
  }

  @Test
  void rejectsRawPixelsOfTheWrongLengthOrWithoutDimensions() {
    assertRejected(
        Reason.RAW_SIZE_MISMATCH,
        "needs 18 bytes, got 17",
        () -> decoder.decode(new byte[17], ImageFormat.RAW_RGB8, 3, 2));
    assertRejected(
        Reason.RAW_SIZE_MISMATCH,
        "needs 18 bytes, got 19",
        () -> decoder.decode(new byte[19], ImageFormat.RAW_RGB8, 3, 2));
    assertRejected(
        Reason.RAW_SIZE_MISMATCH,
        "positive width and height",
        () -> decoder.decode(new byte[18], ImageFormat.RAW_RGB8, 0, 0));
    assertRejected(
        Reason.RAW_SIZE_MISMATCH,
        "positive width and height",
        () -> decoder.decode(new byte[18], ImageFormat.RAW_RGB8, -3, -2));
  }

  @Test
  void rejectsRawDimensionsOverThePixelLimit() {
    ImageDecoder small = new ImageDecoder(new ImageLimits(1 << 20, 100));
    assertRejected(
        Reason.TOO_MANY_PIXELS,
        "11x10 = 110 pixels, over the limit of 100",
        () -> small.decode(new byte[330], ImageFormat.RAW_RGB8, 11, 10));
    assertRejected(
        Reason.TOO_MANY_PIXELS,
        "100000x100000",
        () -> small.decode(new byte[3], ImageFormat.RAW_RGB8, 100_000, 100_000));
  }

  // ---- Limits, bombs and damaged input -------------------------------------------------------

  @Test
  void rejectsNoBytesAsEmpty() {
    assertRejected(Reason.EMPTY_IMAGE, "no bytes", () -> decoder.decode(new byte[0]));
    assertRejected(Reason.EMPTY_IMAGE, "no bytes", () -> decoder.decode(null));
    assertRejected(
        Reason.EMPTY_IMAGE,
        "no bytes",
        () -> decoder.decode(new byte[0], ImageFormat.RAW_RGB8, 1, 1));
  }

  @Test
  void rejectsMoreEncodedBytesThanTheLimitBeforeReadingThem() {
    ImageDecoder small = new ImageDecoder(new ImageLimits(100, 1_000_000));
    byte[] png = encode(image(BufferedImage.TYPE_INT_RGB, randomRgb(new Random(3), 20, 20)), "png");
    assertTrue(png.length > 100);
    assertRejected(
        Reason.IMAGE_TOO_LARGE,
        png.length + " bytes, over the limit of 100",
        () -> small.decode(png));
    assertRejected(
        Reason.IMAGE_TOO_LARGE,
        "over the limit of 100",
        () -> small.decode(new byte[101], ImageFormat.RAW_RGB8, 1, 1));
  }

  @Test
  void rejectsRandomGarbageAsUnsupported() {
    Random random = new Random(4);
    for (int i = 0; i < 200; i++) {
      byte[] garbage = new byte[1 + random.nextInt(300)];
      random.nextBytes(garbage);
      if (ImageFormat.detect(garbage) == null) {
        assertRejected(
            Reason.UNSUPPORTED_FORMAT, "not JPEG, PNG, BMP or GIF", () -> decoder.decode(garbage));
      }
    }
    assertRejected(
        Reason.UNSUPPORTED_FORMAT,
        "starts with 52494646",
        () -> decoder.decode("RIFF....WEBPVP8 ".getBytes(StandardCharsets.US_ASCII)));
  }

  @Test
  void rejectsAPngDeclaringTenBillionPixelsQuicklyWithoutAllocatingThem() {
    byte[] noData = png(100_000, 100_000, 8, 2);
    byte[] someData = png(100_000, 100_000, 8, 2, pngChunk("IDAT", zlib(new byte[1000])));
    byte[] truncatedData = Arrays.copyOf(someData, someData.length - 20);
    for (byte[] bomb : List.of(noData, someData, truncatedData)) {
      assertBomb(
          bomb, "PNG declares 100000x100000 = 10000000000 pixels, over the limit of 40000000");
    }
  }

  @Test
  void rejectsGifBmpAndJpegHeadersDeclaringHugeCanvases() {
    assertBomb(gifHeader(65535, 65535, 65535, 65535), "GIF declares 65535x65535");
    assertBomb(bmpHeader(100_000, 100_000, 24, 0, 0).array(), "BMP declares 100000x100000");
    assertBomb(bmpHeader(100_000, -100_000, 24, 0, 0).array(), "BMP declares 100000x100000");
    byte[] small = jpeg(blockImage(new int[] {0x808080}), false);
    // 65535 is past libjpeg's own 65500 limit, 60000 is not: both must be a pixel rejection.
    assertBomb(withJpegSize(small, 65535, 65535), "JPEG declares 65535x65535");
    assertBomb(withJpegSize(small, 60000, 60000), "JPEG declares 60000x60000");
  }

  @Test
  void rejectsARealImageOverThePixelLimitWithoutDecodingIt() throws Exception {
    ImageDecoder limited = new ImageDecoder(new ImageLimits(10 << 20, 1_000_000));
    byte[] png = encode(new BufferedImage(2000, 1000, BufferedImage.TYPE_INT_RGB), "png");
    assertThrows(ImageRejectedException.class, () -> limited.decode(png));
    long allocated =
        allocatedBy(
            () ->
                assertRejected(
                    Reason.TOO_MANY_PIXELS,
                    "2000x1000 = 2000000 pixels",
                    () -> limited.decode(png)));
    // Decoding would allocate at least the 6 MB raster and the 8 MB pixel array.
    assertTrue(allocated < 1 << 20, "allocated " + allocated + " bytes");
    assertEquals(
        2_000_000,
        new ImageDecoder(new ImageLimits(10 << 20, 2_000_000)).decode(png).pixels().length);
  }

  @Test
  void rejectsZeroAndNegativeDimensionsSayingSo() {
    assertRejected(
        Reason.TOO_MANY_PIXELS,
        "PNG declares an invalid size of 0x10",
        () -> decoder.decode(png(0, 10, 8, 2)));
    assertRejected(
        Reason.TOO_MANY_PIXELS,
        "GIF declares an invalid size of 0x1",
        () -> decoder.decode(gifHeader(1, 1, 0, 1)));
    assertRejected(
        Reason.TOO_MANY_PIXELS,
        "BMP declares an invalid size of -5x3",
        () -> decoder.decode(bmpHeader(-5, 3, 24, 0, 48).array()));
    byte[] jpeg = jpeg(blockImage(new int[] {0x808080}), false);
    assertRejected(
        Reason.TOO_MANY_PIXELS,
        "JPEG declares an invalid size of 8x0",
        () -> decoder.decode(withJpegSize(jpeg, 8, 0)));
  }

  @Test
  void rejectsTruncatedImagesAsCorruptSayingWhere() throws Exception {
    BufferedImage noisy = image(BufferedImage.TYPE_INT_RGB, randomRgb(new Random(5), 64, 48));
    BufferedImage indexed =
        image(BufferedImage.TYPE_BYTE_INDEXED, randomRgb(new Random(6), 64, 48));
    byte[] png = encode(noisy, "png");
    byte[] gif = encode(indexed, "gif");
    byte[] bmp = encode(noisy, "bmp");
    byte[] jpeg = jpeg(noisy, false);
    byte[] progressive = jpeg(noisy, true);
    assertRejected(
        Reason.CORRUPT_IMAGE,
        "PNG is truncated inside its IHDR",
        () -> decoder.decode(Arrays.copyOf(png, 20)));
    assertRejected(
        Reason.CORRUPT_IMAGE,
        "GIF is truncated inside its header",
        () -> decoder.decode(Arrays.copyOf(gif, 10)));
    assertRejected(
        Reason.CORRUPT_IMAGE,
        "GIF is truncated before its first image",
        () -> decoder.decode(Arrays.copyOf(gif, 20)));
    assertRejected(
        Reason.CORRUPT_IMAGE,
        "BMP is truncated inside its header",
        () -> decoder.decode(Arrays.copyOf(bmp, 20)));
    assertRejected(
        Reason.CORRUPT_IMAGE,
        "JPEG is truncated inside",
        () -> decoder.decode(Arrays.copyOf(jpeg, 40)));
    for (byte[] whole : List.of(png, gif, bmp, jpeg, progressive)) {
      for (int length : new int[] {whole.length / 3, whole.length / 2, whole.length * 9 / 10}) {
        byte[] cut = Arrays.copyOf(whole, length);
        ImageRejectedException e =
            assertThrows(ImageRejectedException.class, () -> decoder.decode(cut));
        assertEquals(Reason.CORRUPT_IMAGE, e.reason(), e.getMessage());
      }
    }
    assertRejected(
        Reason.CORRUPT_IMAGE,
        "JPEG image is truncated or damaged: Corrupt JPEG data: premature end",
        () -> decoder.decode(Arrays.copyOf(jpeg, jpeg.length / 2)));
    assertRejected(
        Reason.CORRUPT_IMAGE,
        "BMP image cannot be decoded: the data ends early (truncated)",
        () -> decoder.decode(Arrays.copyOf(bmp, bmp.length - 10)));
  }

  @Test
  void acceptsAJpegMissingOnlyItsEndMarker() throws Exception {
    byte[] jpeg = jpeg(blockImage(new int[] {0x336699}), false);
    RgbImage decoded = decoder.decode(Arrays.copyOf(jpeg, jpeg.length - 2));
    assertArrayEquals(decoder.decode(jpeg).pixels(), decoded.pixels());
  }

  @Test
  void rejectsDamagedImagesAsCorruptSayingWhat() {
    byte[] png = encode(image(BufferedImage.TYPE_INT_RGB, randomRgb(new Random(7), 16, 16)), "png");
    byte[] badCrc = png.clone();
    badCrc[29] ^= 1;
    assertRejected(
        Reason.CORRUPT_IMAGE, "IHDR chunk fails its CRC check", () -> decoder.decode(badCrc));
    byte[] badSignature = png.clone();
    badSignature[6] = 0;
    assertRejected(
        Reason.CORRUPT_IMAGE, "PNG signature is damaged", () -> decoder.decode(badSignature));
    byte[] garbledData = png(16, 16, 8, 2, pngChunk("IDAT", new byte[] {1, 2, 3, 4, 5, 6, 7, 8}));
    assertRejected(
        Reason.CORRUPT_IMAGE, "PNG image cannot be decoded", () -> decoder.decode(garbledData));
    byte[] noFrame = {
      (byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0, 0, 4, 0, 0, (byte) 0xFF, (byte) 0xD9
    };
    assertRejected(Reason.CORRUPT_IMAGE, "JPEG has no frame header", () -> decoder.decode(noFrame));
    byte[] trailerOnly = Arrays.copyOf(gifHeader(1, 1, 1, 1), 20);
    trailerOnly[19] = 0x3B;
    assertRejected(
        Reason.CORRUPT_IMAGE,
        "GIF ends (trailer block) before its first image",
        () -> decoder.decode(trailerOnly));
  }

  @Test
  void rejectsAJpegWithHundredsOfScansBeforeSpendingMinutesOnThem() throws Exception {
    byte[] progressive =
        jpeg(image(BufferedImage.TYPE_INT_RGB, randomRgb(new Random(8), 64, 64)), true);
    assertEquals(64, decoder.decode(progressive).width());
    int lastScan = lastIndexOf(progressive, 0xDA);
    byte[] scan = Arrays.copyOfRange(progressive, lastScan, progressive.length - 2);
    ByteArrayOutputStream bomb = new ByteArrayOutputStream();
    bomb.writeBytes(Arrays.copyOf(progressive, progressive.length - 2));
    for (int i = 0; i < 1000; i++) {
      bomb.writeBytes(scan);
    }
    bomb.writeBytes(new byte[] {(byte) 0xFF, (byte) 0xD9});
    assertTimeoutPreemptively(
        Duration.ofSeconds(5),
        () ->
            assertRejected(
                Reason.CORRUPT_IMAGE,
                "scans, more than the " + ImageDecoder.MAX_JPEG_SCANS + " accepted",
                () -> decoder.decode(bomb.toByteArray())));
  }

  @Test
  void rejectsJpegProcessesTheDecoderCannotRead() {
    byte[] jpeg = jpeg(blockImage(new int[] {0x808080}), false);
    int sof = jpegMarker(jpeg, 0xC0);
    byte[] lossless = jpeg.clone();
    lossless[sof + 1] = (byte) 0xC3;
    assertRejected(
        Reason.UNSUPPORTED_FORMAT,
        "lossless process (SOF marker 0xFFC3)",
        () -> decoder.decode(lossless));
    byte[] arithmetic = jpeg.clone();
    arithmetic[sof + 1] = (byte) 0xC9;
    assertRejected(Reason.UNSUPPORTED_FORMAT, "arithmetic-coded", () -> decoder.decode(arithmetic));
    byte[] twelveBit = jpeg.clone();
    twelveBit[sof + 4] = 12;
    assertRejected(Reason.UNSUPPORTED_FORMAT, "12-bit samples", () -> decoder.decode(twelveBit));
  }

  @Test
  void rejectsABmpWrappingAnEmbeddedPng() {
    byte[] wrapped = bmpHeader(1, 1, 0, 5, 16).array();
    assertRejected(Reason.UNSUPPORTED_FORMAT, "embedded PNG", () -> decoder.decode(wrapped));
  }

  /**
   * Property: whatever a damaged file looks like, the decoder answers with an image or a typed
   * rejection, promptly. Seeded mutations (flipped, zeroed and 0xFF bytes, cuts, repeats) of valid
   * files of every format.
   */
  @Test
  void answersEveryMutatedFileWithAnImageOrATypedRejection() {
    ImageDecoder limited = new ImageDecoder(new ImageLimits(1 << 20, 1 << 18));
    BufferedImage noisy = image(BufferedImage.TYPE_INT_RGB, randomRgb(new Random(9), 24, 20));
    BufferedImage indexed =
        image(BufferedImage.TYPE_BYTE_INDEXED, randomRgb(new Random(10), 24, 20));
    List<byte[]> seeds =
        List.of(
            encode(noisy, "png"),
            encode(indexed, "png"),
            encode(indexed, "gif"),
            encode(noisy, "bmp"),
            encode(indexed, "bmp"),
            jpeg(noisy, false),
            jpeg(noisy, true),
            insert(jpeg(fourBandBlocks(new int[][] {{1, 2, 3, 4}})), 2, adobeSegment(2)));
    Random random = new Random(11);
    AtomicInteger decoded = new AtomicInteger();
    AtomicInteger rejected = new AtomicInteger();
    assertTimeoutPreemptively(
        Duration.ofSeconds(120),
        () -> {
          for (int s = 0; s < seeds.size(); s++) {
            for (int i = 0; i < 150; i++) {
              byte[] mutant = mutate(seeds.get(s), random);
              try {
                limited.decode(mutant);
                decoded.incrementAndGet();
              } catch (ImageRejectedException e) {
                rejected.incrementAndGet();
                assertTrue(e.getMessage() != null && !e.getMessage().isBlank());
              } catch (RuntimeException | Error e) {
                fail(
                    "seed "
                        + s
                        + " mutant "
                        + i
                        + " ("
                        + ImageDecoder.hexPrefix(mutant)
                        + "...) threw "
                        + e,
                    e);
              }
            }
          }
        });
    assertTrue(
        rejected.get() > 100 && decoded.get() > 100,
        decoded + " decoded, " + rejected + " rejected");
  }

  // ---- Concurrency ---------------------------------------------------------------------------

  @Test
  void decodesDifferentImagesConcurrentlyFromSeveralThreads() throws Exception {
    Random random = new Random(12);
    List<byte[]> inputs = new ArrayList<>();
    List<int[]> expected = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      int[][] rgb = randomRgb(random, 20 + i, 30 - i);
      byte[] bytes =
          switch (i % 4) {
            case 0 -> encode(image(BufferedImage.TYPE_INT_RGB, rgb), "png");
            case 1 -> encode(image(BufferedImage.TYPE_BYTE_INDEXED, rgb), "gif");
            case 2 -> encode(image(BufferedImage.TYPE_3BYTE_BGR, rgb), "bmp");
            default -> jpeg(image(BufferedImage.TYPE_INT_RGB, rgb), i % 8 == 7);
          };
      inputs.add(bytes);
      expected.add(decoder.decode(bytes).pixels());
    }
    inputs.add(
        insert(
            jpeg(fourBandBlocks(new int[][] {{10, 20, 30, 40}, {200, 0, 100, 9}})),
            2,
            adobeSegment(0)));
    expected.add(decoder.decode(inputs.get(inputs.size() - 1)).pixels());

    int threads = 4;
    ExecutorService pool = Executors.newFixedThreadPool(threads, r -> new Thread(r, "decode-test"));
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<Integer>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int offset = t;
        results.add(
            pool.submit(
                () -> {
                  start.await();
                  int checked = 0;
                  for (int round = 0; round < 15; round++) {
                    for (int k = 0; k < inputs.size(); k++) {
                      int i = (k + offset * 3) % inputs.size();
                      assertArrayEquals(
                          expected.get(i), decoder.decode(inputs.get(i)).pixels(), "image " + i);
                      checked++;
                    }
                  }
                  return checked;
                }));
      }
      start.countDown();
      for (Future<Integer> result : results) {
        assertEquals(15 * inputs.size(), result.get(60, TimeUnit.SECONDS));
      }
    } finally {
      pool.shutdownNow();
      assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
    }
  }

  // ---- Helpers -------------------------------------------------------------------------------

  /** Rejected for its pixels within 5 seconds, allocating far less than any canvas would take. */
  private static void assertBomb(byte[] bomb, String message) {
    ImageDecoder decoder = new ImageDecoder(ImageLimits.DEFAULT);
    assertTimeoutPreemptively(
        Duration.ofSeconds(5),
        () -> {
          assertRejected(Reason.TOO_MANY_PIXELS, message, () -> decoder.decode(bomb));
          long allocated =
              allocatedBy(
                  () ->
                      assertRejected(Reason.TOO_MANY_PIXELS, message, () -> decoder.decode(bomb)));
          assertTrue(allocated < 1 << 20, "allocated " + allocated + " bytes rejecting a bomb");
        });
  }

  private static void assertRejected(Reason reason, String messagePart, ThrowingDecode decode) {
    ImageRejectedException e = assertThrows(ImageRejectedException.class, decode::run);
    assertEquals(reason, e.reason(), e.getMessage());
    assertTrue(
        e.getMessage().contains(messagePart),
        "message '" + e.getMessage() + "' should contain '" + messagePart + "'");
  }

  private interface ThrowingDecode {
    void run() throws Exception;
  }

  private static void assertPixels(int[][] rgb, RgbImage image, int tolerance) {
    assertEquals(rgb[0].length, image.width(), "width");
    assertEquals(rgb.length, image.height(), "height");
    for (int y = 0; y < rgb.length; y++) {
      for (int x = 0; x < rgb[0].length; x++) {
        assertClose(
            rgb[y][x] & 0xFFFFFF,
            image.pixels()[y * image.width() + x],
            tolerance,
            "pixel " + x + "," + y);
      }
    }
  }

  private static void assertClose(int expected, int actual, int tolerance, String what) {
    for (int shift = 0; shift <= 16; shift += 8) {
      int e = (expected >> shift) & 0xFF;
      int a = (actual >> shift) & 0xFF;
      if (Math.abs(e - a) > tolerance) {
        fail(String.format("%s: expected %06x, got %06x", what, expected, actual));
      }
    }
    assertEquals(0, actual >>> 24, "no alpha bits");
  }

  private static void assertColourType(byte[] png, int bitDepth, int colourType) {
    assertEquals(bitDepth, png[24], "PNG bit depth");
    assertEquals(colourType, png[25], "PNG colour type");
  }

  private static int[][] randomRgb(Random random, int width, int height) {
    int[][] rgb = new int[height][width];
    for (int[] row : rgb) {
      for (int x = 0; x < width; x++) {
        row[x] = random.nextInt(1 << 24);
      }
    }
    return rgb;
  }

  private static int[][] fill(int width, int height, int colour) {
    int[][] rgb = new int[height][width];
    for (int[] row : rgb) {
      Arrays.fill(row, colour);
    }
    return rgb;
  }

  private static int[][] rgbOf(BufferedImage image) {
    int[][] rgb = new int[image.getHeight()][image.getWidth()];
    for (int y = 0; y < rgb.length; y++) {
      for (int x = 0; x < rgb[0].length; x++) {
        rgb[y][x] = image.getRGB(x, y) & 0xFFFFFF;
      }
    }
    return rgb;
  }

  /** 16x16 flat blocks side by side, one per colour, so JPEG keeps them nearly exact. */
  private static BufferedImage blockImage(int[] colours) {
    BufferedImage image = new BufferedImage(16 * colours.length, 16, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    for (int i = 0; i < colours.length; i++) {
      g.setColor(new Color(colours[i]));
      g.fillRect(16 * i, 0, 16, 16);
    }
    g.dispose();
    return image;
  }

  /** The 4-band raster of 16x16 flat blocks side by side, one per sample tuple. */
  private static Raster fourBandBlocks(int[][] samples) {
    WritableRaster raster =
        Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, 16 * samples.length, 16, 4, null);
    for (int i = 0; i < samples.length; i++) {
      for (int y = 0; y < 16; y++) {
        for (int x = 0; x < 16; x++) {
          raster.setPixel(16 * i + x, y, samples[i]);
        }
      }
    }
    return raster;
  }

  private static int blockCentre(RgbImage image, int block) {
    return image.pixels()[8 * image.width() + 16 * block + 8];
  }

  /** Naive ink-to-RGB: each channel is (1 - ink) x (1 - black). */
  private static int cmykToRgb(int[] ink) {
    int paper = 255 - ink[3];
    int r = (int) Math.round((255 - ink[0]) * paper / 255.0);
    int g = (int) Math.round((255 - ink[1]) * paper / 255.0);
    int b = (int) Math.round((255 - ink[2]) * paper / 255.0);
    return r << 16 | g << 8 | b;
  }

  /** The JPEG with its frame header's height and width replaced. */
  private static byte[] withJpegSize(byte[] jpeg, int width, int height) {
    byte[] out = jpeg.clone();
    int sof = jpegMarker(out, 0xC0);
    assertTrue(sof > 0, "no SOF0 marker");
    out[sof + 5] = (byte) (height >> 8);
    out[sof + 6] = (byte) height;
    out[sof + 7] = (byte) (width >> 8);
    out[sof + 8] = (byte) width;
    return out;
  }

  private static int lastIndexOf(byte[] b, int marker) {
    for (int i = b.length - 2; i >= 0; i--) {
      if ((b[i] & 0xFF) == 0xFF && (b[i + 1] & 0xFF) == marker) {
        return i;
      }
    }
    throw new AssertionError("no marker " + marker);
  }

  private static boolean contains(byte[] b, String ascii) {
    byte[] needle = ascii.getBytes(StandardCharsets.US_ASCII);
    outer:
    for (int i = 0; i + needle.length <= b.length; i++) {
      for (int k = 0; k < needle.length; k++) {
        if (b[i + k] != needle[k]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  private static byte[] ramp(int n, int step) {
    byte[] out = new byte[n];
    for (int i = 0; i < n; i++) {
      out[i] = (byte) (i * step * 5);
    }
    return out;
  }

  private static byte[] mutate(byte[] seed, Random random) {
    byte[] b = seed.clone();
    switch (random.nextInt(5)) {
      case 0 -> {
        for (int k = 1 + random.nextInt(4); k > 0; k--) {
          b[random.nextInt(b.length)] ^= (byte) (1 << random.nextInt(8));
        }
      }
      case 1 -> {
        for (int k = 1 + random.nextInt(8); k > 0; k--) {
          b[random.nextInt(b.length)] = (byte) (random.nextBoolean() ? 0 : 0xFF);
        }
      }
      case 2 -> b = Arrays.copyOf(b, 1 + random.nextInt(b.length));
      case 3 -> {
        // Headers live in the first bytes: hit them harder.
        int at = random.nextInt(Math.min(64, b.length));
        b[at] = (byte) random.nextInt(256);
      }
      default -> {
        int from = random.nextInt(b.length);
        int length = random.nextInt(Math.min(200, b.length - from) + 1);
        b = insert(b, random.nextInt(b.length), Arrays.copyOfRange(b, from, from + length));
      }
    }
    return b;
  }
}
