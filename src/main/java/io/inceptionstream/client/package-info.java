/**
 * A small Java client for applications: {@link io.inceptionstream.client.ImagePublisher} writes
 * images to the input topic in the worker's wire format, {@link
 * io.inceptionstream.client.PredictionSubscriber} reads predictions (optionally joined with their
 * embeddings). The {@code publish} and {@code subscribe} commands are built on them. Like {@code
 * publish/} and {@code ingest/}, this package talks to Kafka directly. Public API.
 */
package io.inceptionstream.client;
