/**
 * Benchmarks of the streaming pipeline against its baselines, through a real broker: the worker
 * against the model's offline throughput, micro-batching against one forward pass per record, and
 * the pipeline with a zero-cost model stand-in against a plain Kafka consume→produce passthrough.
 * Like {@code client/}, this package talks to Kafka directly (the passthrough baseline). Internal:
 * not a stable API.
 */
package io.inceptionstream.bench;
