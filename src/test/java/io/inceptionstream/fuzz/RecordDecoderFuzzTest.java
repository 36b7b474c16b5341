package io.inceptionstream.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.inceptionstream.batching.Item;
import io.inceptionstream.image.ImageDecoder;
import io.inceptionstream.lifecycle.InputRecord;
import io.inceptionstream.lifecycle.Rejection;
import io.inceptionstream.pipeline.RecordDecoder;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;

/**
 * Fuzzes the whole record path, {@link RecordDecoder#decode(InputRecord)}, with the fuzz input as
 * the record value. It must never throw, and a rejection must have a specific reason: {@link
 * Rejection#DECODE_FAILED} means an unexpected exception reached its last-resort catch, which is a
 * finding too.
 */
class RecordDecoderFuzzTest {

  private static final String METHOD = "everyRecordBecomesAnItemWithASpecificReason";

  private static final ImageDecoder IMAGES = new ImageDecoder(ImageDecoderFuzzTest.LIMITS);
  private static final RecordDecoder DECODER = new RecordDecoder(IMAGES);

  @BeforeAll
  static void warmUp() throws Exception {
    InputBounds.warmUp(RecordDecoderFuzzTest.class, METHOD, RecordDecoderFuzzTest::target);
  }

  @FuzzTest(maxExecutions = 8_000, maxDuration = "12s")
  void everyRecordBecomesAnItemWithASpecificReason(byte[] value) throws Exception {
    InputBounds.check(() -> target(value));
  }

  private static void target(byte[] value) {
    InputRecord record = new InputRecord("images", 0, 42, null, value, List.of(), 1000L, 2000L);
    Item item = DECODER.decode(record);
    assertNotNull(item);
    if (item.isReady()) {
      assertEquals(3 * 32 * 32, item.pixels().length);
    } else {
      assertNotNull(item.errorKind());
      assertNotEquals(
          Rejection.DECODE_FAILED,
          item.errorKind(),
          "an unexpected exception escaped the decoders: " + item.errorMessage());
    }
    assertEquals(IMAGES.budget().capacity(), IMAGES.budget().available(), "budget leaked");
  }
}
