package io.inceptionstream.avro;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.junit.jupiter.api.Test;

class WireFormatTest {

  private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3};

  @Test
  void roundTripsTheCurrentSchema() throws Exception {
    ImageRecord in =
        ImageRecord.newBuilder()
            .setId("a")
            .setImage(ByteBuffer.wrap(PNG))
            .setAttributes(Map.of("k", "v"))
            .setTimestamp(java.time.Instant.ofEpochMilli(5))
            .build();
    byte[] bytes = WireFormat.encode(in);
    assertEquals((byte) 0xC3, bytes[0]);
    assertEquals((byte) 0x01, bytes[1]);
    ImageRecord out = WireFormat.decodeImage(bytes);
    assertEquals("a", out.getId());
    assertEquals(Map.of("k", "v"), out.getAttributes());
    assertEquals(ImageEncoding.AUTO, out.getEncoding());
  }

  @Test
  void readsValuesWrittenWithVersionOne() throws Exception {
    Schema v1 = WireFormat.historicalImageSchemas().get(0);
    GenericRecord old = new GenericData.Record(v1);
    old.put("id", "old-writer");
    old.put("image", ByteBuffer.wrap(PNG));
    old.put("encoding", new GenericData.EnumSymbol(v1.getField("encoding").schema(), "PNG"));
    old.put("width", null);
    old.put("height", null);
    ByteBuffer encoded = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v1).encode(old);
    byte[] bytes = new byte[encoded.remaining()];
    encoded.get(bytes);
    ImageRecord read = WireFormat.decodeImage(bytes);
    assertEquals("old-writer", read.getId());
    assertEquals(ImageEncoding.PNG, read.getEncoding());
    assertEquals(Map.of(), read.getAttributes(), "new field takes its default");
    assertNull(read.getTimestamp());
    assertTrue(
        !WireFormat.fingerprint(v1).equals(WireFormat.fingerprint(ImageRecord.getClassSchema())));
  }

  @Test
  void acceptsBytesBuiltByHandWithoutThisProjectsCode() throws Exception {
    // What a client in another language does: header, fingerprint, then the binary body.
    String canonical =
        SchemaNormalization.toParsingForm(
            new Schema.Parser().parse(ImageRecord.getClassSchema().toString()));
    long fp = crc64Avro(canonical.getBytes(StandardCharsets.UTF_8));
    assertEquals(
        SchemaNormalization.parsingFingerprint64(ImageRecord.getClassSchema()),
        fp,
        "hand-written CRC-64-AVRO");
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    string(body, "by-hand");
    bytes(body, PNG);
    varint(body, 2); // encoding: PNG is symbol 2
    varint(body, 0); // width: null branch
    varint(body, 0); // height: null branch
    varint(body, 1); // attributes: one entry
    string(body, "label");
    string(body, "star");
    varint(body, 0); // end of map
    varint(body, 1); // timestamp: long branch
    varint(body, 1_700_000_000_000L);
    ByteBuffer header = ByteBuffer.allocate(10).order(ByteOrder.LITTLE_ENDIAN);
    header.put((byte) 0xC3).put((byte) 0x01).putLong(fp);
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    all.write(header.array());
    all.write(body.toByteArray());
    ImageRecord r = WireFormat.decodeImage(all.toByteArray());
    assertEquals("by-hand", r.getId());
    assertEquals(ImageEncoding.PNG, r.getEncoding());
    assertEquals("star", r.getAttributes().get("label"));
    assertEquals(1_700_000_000_000L, r.getTimestamp().toEpochMilli());
    byte[] image = new byte[r.getImage().remaining()];
    r.getImage().get(image);
    assertArrayEquals(PNG, image);
  }

  @Test
  void classifiesEveryKindOfBadValue() {
    assertEquals(WireFormatException.Kind.EMPTY_VALUE, kind(null));
    assertEquals(WireFormatException.Kind.EMPTY_VALUE, kind(new byte[0]));
    assertEquals(
        WireFormatException.Kind.NOT_SINGLE_OBJECT,
        kind("plain text, not avro".getBytes(StandardCharsets.UTF_8)));
    byte[] unknown =
        WireFormat.encode(
            ImageRecord.newBuilder().setId("x").setImage(ByteBuffer.wrap(PNG)).build());
    unknown[5] ^= 0x11;
    assertEquals(WireFormatException.Kind.UNKNOWN_SCHEMA, kind(unknown));
    byte[] truncated =
        WireFormat.encode(
            ImageRecord.newBuilder().setId("x").setImage(ByteBuffer.wrap(new byte[100])).build());
    assertEquals(
        WireFormatException.Kind.UNDECODABLE_AVRO, kind(java.util.Arrays.copyOf(truncated, 20)));
    byte[] noId =
        WireFormat.encode(
            ImageRecord.newBuilder().setId("").setImage(ByteBuffer.wrap(PNG)).build());
    assertEquals(WireFormatException.Kind.INVALID_RECORD, kind(noId));
  }

  @Test
  void aTinyValueDeclaringAGiganticFieldIsRejectedNotAllocated() throws Exception {
    byte[] header =
        java.util.Arrays.copyOf(
            WireFormat.encode(
                ImageRecord.newBuilder().setId("x").setImage(ByteBuffer.wrap(PNG)).build()),
            10);
    ByteArrayOutputStream v = new ByteArrayOutputStream();
    v.write(header);
    string(v, "x");
    varint(v, 2_000_000_000L); // the image field claims two gigabytes
    v.write(new byte[20]);
    assertEquals(WireFormatException.Kind.UNDECODABLE_AVRO, kind(v.toByteArray()));
  }

  @Test
  void unknownFingerprintMessageNamesTheFingerprint() {
    byte[] unknown =
        WireFormat.encode(
            ImageRecord.newBuilder().setId("x").setImage(ByteBuffer.wrap(PNG)).build());
    unknown[2] ^= 0x01;
    WireFormatException e =
        assertThrows(WireFormatException.class, () -> WireFormat.decodeImage(unknown));
    assertTrue(e.getMessage().contains("Unknown writer schema fingerprint"), e.getMessage());
  }

  @Test
  void outputsRoundTrip() throws Exception {
    SourcePosition src = new SourcePosition("images", 3, 42L);
    Embedding e =
        Embedding.newBuilder()
            .setId("i")
            .setModelName("m")
            .setModelVersion("1")
            .setTap("b5")
            .setDimension(2)
            .setNormalized(true)
            .setVector(java.util.List.of(0.6f, 0.8f))
            .setSource(src)
            .build();
    assertEquals(e, WireFormat.decodeEmbedding(WireFormat.encode(e)));
  }

  @Test
  void theFastEmbeddingEncoderWritesExactlyTheGeneratedClassesBytes() throws Exception {
    float[] all = {9f, 0.25f, -1.5f, 3e-7f, 9f};
    byte[] fast =
        WireFormat.encodeEmbedding(
            "id-é", "m", "1.0", "a4.branch3", true, all, 1, 3, "images", 2, 123456789012L);
    Embedding slow =
        Embedding.newBuilder()
            .setId("id-é")
            .setModelName("m")
            .setModelVersion("1.0")
            .setTap("a4.branch3")
            .setDimension(3)
            .setNormalized(true)
            .setVector(java.util.List.of(0.25f, -1.5f, 3e-7f))
            .setSource(new SourcePosition("images", 2, 123456789012L))
            .build();
    assertArrayEquals(WireFormat.encode(slow), fast);
    assertEquals(slow, WireFormat.decodeEmbedding(fast));
    byte[] empty =
        WireFormat.encodeEmbedding("x", "m", "1", "b5", false, new float[0], 0, 0, "t", 0, 0);
    assertEquals(0, WireFormat.decodeEmbedding(empty).getVector().size());
  }

  private static WireFormatException.Kind kind(byte[] value) {
    return assertThrows(WireFormatException.class, () -> WireFormat.decodeImage(value)).kind();
  }

  private static void string(ByteArrayOutputStream out, String s) {
    bytes(out, s.getBytes(StandardCharsets.UTF_8));
  }

  private static void bytes(ByteArrayOutputStream out, byte[] b) {
    varint(out, b.length);
    out.write(b, 0, b.length);
  }

  /** Avro's zig-zag variable-length long. */
  private static void varint(ByteArrayOutputStream out, long v) {
    long z = (v << 1) ^ (v >> 63);
    while ((z & ~0x7FL) != 0) {
      out.write((int) ((z & 0x7F) | 0x80));
      z >>>= 7;
    }
    out.write((int) z);
  }

  /** CRC-64-AVRO as the Avro specification defines it. */
  private static long crc64Avro(byte[] data) {
    long empty = 0xc15d213aa4d7a795L;
    long[] table = new long[256];
    for (int i = 0; i < 256; i++) {
      long fp = i;
      for (int j = 0; j < 8; j++) {
        fp = (fp >>> 1) ^ (empty & -(fp & 1L));
      }
      table[i] = fp;
    }
    long fp = empty;
    for (byte b : data) {
      fp = (fp >>> 8) ^ table[(int) (fp ^ b) & 0xff];
    }
    return fp;
  }
}
