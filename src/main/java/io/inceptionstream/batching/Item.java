package io.inceptionstream.batching;

import io.inceptionstream.lifecycle.InputRecord;
import java.util.Map;

/**
 * A decoded input: either ready for the model (its 32x32 channel-first RGB bytes) or rejected with
 * a reason, in which case it travels on in order and becomes a dead letter.
 *
 * @param source the polled record
 * @param id the input's id, or null if the value could not be read that far
 * @param attributes the input's attributes (empty when rejected)
 * @param createdAt the producer's timestamp or else the Kafka timestamp (epoch ms)
 * @param pixels 3 x 32 x 32 bytes, or null when rejected
 * @param errorKind stable rejection reason, or null when ready
 * @param errorMessage human-readable reason, or null when ready
 */
public record Item(
    InputRecord source,
    String id,
    Map<String, String> attributes,
    long createdAt,
    byte[] pixels,
    String errorKind,
    String errorMessage) {

  /** An image ready for the model. */
  public static Item ready(
      InputRecord source,
      String id,
      Map<String, String> attributes,
      long createdAt,
      byte[] pixels) {
    return new Item(source, id, Map.copyOf(attributes), createdAt, pixels, null, null);
  }

  /** A record that will become a dead letter. */
  public static Item rejected(InputRecord source, String id, String kind, String message) {
    return new Item(source, id, Map.of(), source.kafkaTimestamp(), null, kind, message);
  }

  /** Whether the model should see it. */
  public boolean isReady() {
    return pixels != null;
  }
}
