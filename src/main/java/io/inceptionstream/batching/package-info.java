/**
 * The micro-batcher: decoded items, in poll order, grouped into batches that leave on size, on a
 * deadline from an injected clock, or when the input runs dry; the queue towards the devices.
 * Internal: not a stable API.
 */
package io.inceptionstream.batching;
