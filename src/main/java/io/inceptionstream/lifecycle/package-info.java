/**
 * The record lifecycle every stage shares: the polled {@link
 * io.inceptionstream.lifecycle.InputRecord}, its ownership epoch ({@link
 * io.inceptionstream.lifecycle.Ownership}), the completion signal ({@link
 * io.inceptionstream.lifecycle.CompletionSink}), the worker's first fatal error ({@link
 * io.inceptionstream.lifecycle.Failure}) and the pipeline's rejection kinds. It sits below ingest,
 * batching, publish and pipeline and imports none of them. Internal: not a stable API.
 */
package io.inceptionstream.lifecycle;
