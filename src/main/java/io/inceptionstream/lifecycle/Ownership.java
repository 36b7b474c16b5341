package io.inceptionstream.lifecycle;

/**
 * Whether this worker still owns the partition a record came from, in the same assignment it was
 * polled in. Every assignment of a partition gets a new epoch; revocation, loss, an offset reset or
 * an abandoned shutdown end it. Later stages skip the outputs of records whose epoch ended: another
 * worker processes them now, and in exactly-once mode their offsets must not be committed here.
 * Thread-safe.
 */
@FunctionalInterface
public interface Ownership {

  /** Whether the record's partition is still owned in the record's epoch. */
  boolean owns(InputRecord record);
}
