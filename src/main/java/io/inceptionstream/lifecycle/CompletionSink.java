package io.inceptionstream.lifecycle;

/** Told when every output of an input record is durably written (acknowledged or committed). */
@FunctionalInterface
public interface CompletionSink {

  /**
   * Called from the producer's I/O thread or the publisher thread; must only record the fact.
   *
   * @param record the input record
   */
  void completed(InputRecord record);
}
