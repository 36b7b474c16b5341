package io.inceptionstream.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inceptionstream.lifecycle.InputRecord;
import java.util.List;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class AssignmentEpochsTest {

  private static final TopicPartition P0 = new TopicPartition("in", 0);
  private static final TopicPartition P1 = new TopicPartition("in", 1);

  private final AssignmentEpochs epochs = new AssignmentEpochs();

  private static InputRecord record(TopicPartition tp, long epoch) {
    return new InputRecord(
        tp.topic(), tp.partition(), 7, null, new byte[0], List.of(), 0, 0, epoch);
  }

  @Test
  void ownsRecordsPolledInThePartitionsCurrentEpoch() {
    long e = epochs.assign(P0);
    assertEquals(e, epochs.current(P0));
    assertTrue(epochs.owns(record(P0, e)));
    assertFalse(epochs.owns(record(P1, e)), "another partition");
    assertFalse(epochs.owns(record(P0, e + 1)), "another epoch");
  }

  @Test
  void everyAssignmentGetsAnEpochNeverUsedBefore() {
    long a = epochs.assign(P0);
    long b = epochs.assign(P1);
    epochs.end(P0);
    long c = epochs.assign(P0);
    assertNotEquals(a, b);
    assertNotEquals(a, c);
    assertNotEquals(b, c);
    assertFalse(epochs.owns(record(P0, a)), "a record of the earlier assignment");
    assertTrue(epochs.owns(record(P0, c)));
  }

  @Test
  void endingAnEpochDisownsItsRecords() {
    long e = epochs.assign(P0);
    epochs.end(P0);
    assertFalse(epochs.owns(record(P0, e)));
    assertEquals(AssignmentEpochs.NONE, epochs.current(P0));
  }

  @Test
  void renewingReplacesTheEpochOfAnOwnedPartitionOnly() {
    long e = epochs.assign(P0);
    assertTrue(epochs.renew(P0));
    assertFalse(epochs.owns(record(P0, e)));
    assertTrue(epochs.owns(record(P0, epochs.current(P0))));
    assertFalse(epochs.renew(P1), "not owned: stays unowned");
    assertEquals(AssignmentEpochs.NONE, epochs.current(P1));
  }

  @Test
  void endingAllDisownsEveryPartition() {
    long a = epochs.assign(P0);
    long b = epochs.assign(P1);
    epochs.endAll();
    assertFalse(epochs.owns(record(P0, a)));
    assertFalse(epochs.owns(record(P1, b)));
  }

  @Test
  void aRecordOfNoEpochIsNeverOwned() {
    epochs.assign(P0);
    assertFalse(epochs.owns(record(P1, AssignmentEpochs.NONE)));
    assertFalse(epochs.isCurrent(P1, AssignmentEpochs.NONE));
  }
}
