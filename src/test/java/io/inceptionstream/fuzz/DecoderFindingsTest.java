package io.inceptionstream.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.inceptionstream.avro.Embedding;
import io.inceptionstream.avro.ImageRecord;
import io.inceptionstream.avro.WireFormat;
import io.inceptionstream.avro.WireFormatException;
import io.inceptionstream.batching.Item;
import io.inceptionstream.image.ImageDecoder;
import io.inceptionstream.lifecycle.InputRecord;
import io.inceptionstream.pipeline.RecordDecoder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;

/**
 * What the fuzz tests found, as plain regression tests with the minimised inputs built here: each
 * value once escaped its decoder as an unexpected runtime exception.
 */
class DecoderFindingsTest {

  /** A single-object header for {@code schema} followed by the Avro varints in {@code longs}. */
  private static byte[] value(Schema schema, String id, long... longs) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(
        ByteBuffer.allocate(10)
            .order(ByteOrder.LITTLE_ENDIAN)
            .put((byte) 0xC3)
            .put((byte) 0x01)
            .putLong(SchemaNormalization.parsingFingerprint64(schema))
            .array());
    BinaryEncoder e = EncoderFactory.get().directBinaryEncoder(out, null);
    if (id != null) {
      e.writeString(id);
    }
    for (long l : longs) {
      e.writeLong(l);
    }
    e.flush();
    return out.toByteArray();
  }

  @Test
  void anImageLengthPastTheArrayLimitIsUndecodableAvro() throws IOException {
    // Found as UnsupportedOperationException "Cannot read arrays longer than 2147483639 bytes".
    byte[] v = value(ImageRecord.getClassSchema(), "seed", 1L << 40);
    WireFormatException e =
        assertThrows(WireFormatException.class, () -> WireFormat.decodeImage(v));
    assertEquals(WireFormatException.Kind.UNDECODABLE_AVRO, e.kind());
  }

  @Test
  void anAttributeCountPastTheCollectionLimitIsARejectionNotADecodeFailure() throws IOException {
    // id, empty image, encoding AUTO, width null, height null, then a map block of 2^40 entries.
    // Found as UnsupportedOperationException "Cannot read collections larger than 2147483639
    // items", which reached RecordDecoder's last-resort catch (DECODE_FAILED).
    byte[] v = value(ImageRecord.getClassSchema(), "seed", 0, 0, 0, 0, 1L << 40);
    WireFormatException e =
        assertThrows(WireFormatException.class, () -> WireFormat.decodeImage(v));
    assertEquals(WireFormatException.Kind.UNDECODABLE_AVRO, e.kind());
    RecordDecoder decoder = new RecordDecoder(new ImageDecoder(ImageDecoderFuzzTest.LIMITS));
    Item item = decoder.decode(new InputRecord("images", 0, 1, null, v, List.of(), 1L, 2L));
    assertEquals("UNDECODABLE_AVRO", item.errorKind());
  }

  @Test
  void aNegativeStringLengthInAnOutputRecordIsAnIOException() throws IOException {
    // Found as AvroRuntimeException "Malformed data. Length is negative: -27".
    byte[] v = value(Embedding.getClassSchema(), null, -27);
    assertThrows(IOException.class, () -> WireFormat.decodeEmbedding(v));
  }

  @Test
  void anUnknownFingerprintOnAnOutputRecordIsAnIOException() {
    byte[] v = {(byte) 0xC3, 0x01, 1, 2, 3, 4, 5, 6, 7, 8, 0};
    assertThrows(IOException.class, () -> WireFormat.decodePrediction(v));
  }
}
