package io.inceptionstream.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inceptionstream.avro.ImageEncoding;
import io.inceptionstream.avro.ImageRecord;
import io.inceptionstream.avro.WireFormat;
import io.inceptionstream.batching.Item;
import io.inceptionstream.image.ImageDecoder;
import io.inceptionstream.image.ImageLimits;
import io.inceptionstream.lifecycle.InputRecord;
import io.inceptionstream.train.ShapeGenerator;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RecordDecoderTest {

  private final RecordDecoder decoder =
      new RecordDecoder(new ImageDecoder(new ImageLimits(100_000, 1_000_000)));

  private static InputRecord input(byte[] value) {
    return new InputRecord("images", 0, 7, null, value, List.of(), 1234L, 2000L);
  }

  private static byte[] value(String id, byte[] image, ImageEncoding enc, Integer w, Integer h) {
    return WireFormat.encode(
        ImageRecord.newBuilder()
            .setId(id)
            .setImage(ByteBuffer.wrap(image))
            .setEncoding(enc)
            .setWidth(w)
            .setHeight(h)
            .setAttributes(Map.of("label", "star"))
            .setTimestamp(Instant.ofEpochMilli(99))
            .build());
  }

  @Test
  void decodesAValidRecordToPixelsWithItsMetadata() {
    byte[] png = ShapeGenerator.sample(1, 4).png();
    Item item = decoder.decode(input(value("a", png, ImageEncoding.AUTO, null, null)));
    assertTrue(item.isReady());
    assertEquals("a", item.id());
    assertEquals(3 * 32 * 32, item.pixels().length);
    assertEquals(Map.of("label", "star"), item.attributes());
    assertEquals(99L, item.createdAt());
  }

  @Test
  void decodesRawPixels() {
    byte[] raw = new byte[4 * 2 * 3];
    raw[0] = (byte) 255;
    Item item = decoder.decode(input(value("raw", raw, ImageEncoding.RAW_RGB8, 4, 2)));
    assertTrue(item.isReady());
  }

  @Test
  void turnsEveryKindOfBadInputIntoARejectionWithItsReason() {
    assertEquals("EMPTY_VALUE", decoder.decode(input(null)).errorKind());
    assertEquals(
        "NOT_SINGLE_OBJECT", decoder.decode(input("garbage bytes".getBytes())).errorKind());
    byte[] truncated = java.util.Arrays.copyOf(ShapeGenerator.sample(1, 4).png(), 40);
    Item corrupt = decoder.decode(input(value("c", truncated, ImageEncoding.AUTO, null, null)));
    assertEquals("CORRUPT_IMAGE", corrupt.errorKind());
    assertEquals("c", corrupt.id(), "the id is kept when the value could be read");
    assertEquals(
        "UNSUPPORTED_FORMAT",
        decoder
            .decode(input(value("u", "hello".getBytes(), ImageEncoding.AUTO, null, null)))
            .errorKind());
    assertEquals(
        "RAW_SIZE_MISMATCH",
        decoder.decode(input(value("r", new byte[5], ImageEncoding.RAW_RGB8, 2, 2))).errorKind());
    assertEquals(
        "IMAGE_TOO_LARGE",
        decoder
            .decode(input(value("big", new byte[200_000], ImageEncoding.AUTO, null, null)))
            .errorKind());
    assertEquals(
        "TOO_MANY_PIXELS",
        decoder
            .decode(input(value("bomb", new byte[3], ImageEncoding.RAW_RGB8, 100_000, 100_000)))
            .errorKind());
    Item rejected = decoder.decode(input(null));
    assertNull(rejected.pixels());
    assertTrue(rejected.errorMessage().length() > 5);
  }
}
