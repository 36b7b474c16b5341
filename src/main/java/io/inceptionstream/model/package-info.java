/**
 * The network of {@code ../shared/seed/} as DJL blocks (GoogLeNet, Inception modules, embedding
 * taps), its complexity figures, and the model directory format (parameters, labels, metadata with
 * checksums). Public API: {@link io.inceptionstream.model.ModelDirectory} and {@link
 * io.inceptionstream.model.ModelMetadata}, which tools that ship or inspect models use; the block
 * classes are internal.
 */
package io.inceptionstream.model;
