package io.inceptionstream.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.inceptionstream.avro.WireFormat;
import java.io.IOException;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;

/**
 * Fuzzes the output decoders ({@link WireFormat#decodePrediction}, {@code decodeEmbedding}, {@code
 * decodeDeadLetter}) that clients use: bad bytes are an {@link IOException}, only. The first byte
 * picks the decoder, the rest is the value.
 */
class OutputRecordFuzzTest {

  private static final String METHOD = "outputDecodersRejectBadBytesWithAnIOException";

  @BeforeAll
  static void warmUp() throws Exception {
    InputBounds.warmUp(OutputRecordFuzzTest.class, METHOD, OutputRecordFuzzTest::target);
  }

  @FuzzTest(maxExecutions = 10_000, maxDuration = "12s")
  void outputDecodersRejectBadBytesWithAnIOException(byte[] input) throws Exception {
    InputBounds.check(() -> target(input));
  }

  private static void target(byte[] input) throws Exception {
    if (input.length == 0) {
      return;
    }
    byte[] value = Arrays.copyOfRange(input, 1, input.length);
    try {
      switch (Math.floorMod(input[0], 3)) {
        case 0 -> WireFormat.decodePrediction(value);
        case 1 -> WireFormat.decodeEmbedding(value);
        default -> WireFormat.decodeDeadLetter(value);
      }
    } catch (IOException expected) {
      // The documented rejection.
    }
  }
}
