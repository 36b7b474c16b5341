package io.inceptionstream.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.inceptionstream.avro.ImageRecord;
import io.inceptionstream.avro.WireFormat;
import io.inceptionstream.avro.WireFormatException;
import org.junit.jupiter.api.BeforeAll;

/** Fuzzes {@link WireFormat#decodeImage}: bad bytes are a {@link WireFormatException}, only. */
class ImageRecordFuzzTest {

  private static final String METHOD = "decodeImageRejectsBadBytesWithAWireFormatException";

  @BeforeAll
  static void warmUp() throws Exception {
    InputBounds.warmUp(ImageRecordFuzzTest.class, METHOD, ImageRecordFuzzTest::target);
  }

  @FuzzTest(maxExecutions = 10_000, maxDuration = "12s")
  void decodeImageRejectsBadBytesWithAWireFormatException(byte[] value) throws Exception {
    InputBounds.check(() -> target(value));
  }

  private static void target(byte[] value) throws Exception {
    ImageRecord record;
    try {
      record = WireFormat.decodeImage(value);
    } catch (WireFormatException e) {
      assertNotNull(e.kind());
      assertNotNull(e.getMessage());
      return;
    }
    // Whatever decodes re-encodes (with the current schema) to an equal record.
    assertEquals(record, WireFormat.decodeImage(WireFormat.encode(record)));
  }
}
