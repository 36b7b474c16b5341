package io.inceptionstream.publish;

import io.inceptionstream.batching.Batch;
import io.inceptionstream.inference.InferenceResult;

/**
 * A batch after the device: its items in poll order and the model's outputs for those that ran.
 *
 * @param batch the batch
 * @param result outputs of the forward pass, or null when nothing ran
 * @param rows for each item, its row in {@code result}, or -1 when it did not run (rejected, or its
 *     partition was no longer owned)
 * @param inferredAt when the forward pass finished (epoch ms)
 */
public record BatchOutcome(Batch batch, InferenceResult result, int[] rows, long inferredAt) {}
