/**
 * The poll loop, sole owner of the Kafka consumer, and its parts: the consumer's configuration,
 * offsets in flight and their at-least-once commits, pause/resume backpressure and the assignment
 * epochs that tell later stages whether a record's partition is still owned. Internal: not a stable
 * API.
 */
package io.inceptionstream.ingest;
