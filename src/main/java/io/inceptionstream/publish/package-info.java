/**
 * Writing the worker's outputs: {@link io.inceptionstream.publish.Publisher} puts batch outcomes
 * back in order and hands each to a delivery strategy (at least once: asynchronous sends, an input
 * completes on its last acknowledgement; exactly once: one transaction per batch with the consumer
 * offsets). {@link io.inceptionstream.publish.OutputRecords} builds the Avro values and headers.
 * The only Kafka producer code of the worker lives here. Internal: not a stable API.
 */
package io.inceptionstream.publish;
