package io.inceptionstream.testing;

import io.inceptionstream.batching.Item;
import io.inceptionstream.lifecycle.InputRecord;
import java.util.List;
import java.util.Map;

/** Builders of pipeline items for unit tests. */
public final class Items {

  private Items() {}

  public static InputRecord record(int partition, long offset) {
    return new InputRecord(
        "images", partition, offset, null, new byte[] {1}, List.of(), 1000L, 2000L);
  }

  public static Item ready(int partition, long offset) {
    return Item.ready(
        record(partition, offset),
        "id-" + partition + "-" + offset,
        Map.of(),
        1000L,
        new byte[3 * 32 * 32]);
  }

  public static Item rejected(int partition, long offset) {
    return Item.rejected(record(partition, offset), null, "NOT_SINGLE_OBJECT", "bad");
  }
}
