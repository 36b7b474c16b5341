package io.inceptionstream.publish;

/**
 * How the outputs of one batch reach Kafka and when its inputs count as complete: {@link
 * AtLeastOnceDelivery} or {@link ExactlyOnceDelivery}. Called by the publisher thread only, one
 * batch at a time in sequence order.
 */
interface DeliveryStrategy {

  /**
   * Writes the outputs of every item of the batch whose partition is still owned and arranges for
   * each input to be completed once its outputs are durable. A fatal error is recorded in the
   * worker's {@code Failure}; after one, nothing further of the failed item is completed.
   *
   * @throws InterruptedException if interrupted while backing off between attempts
   */
  void publish(BatchOutcome outcome) throws InterruptedException;
}
