package io.inceptionstream.publish;

import io.inceptionstream.batching.Batch;
import io.inceptionstream.inference.InferenceResult;

/**
 * A batch after the device: its items in poll order and the model's outputs for the ready ones
 * (row {@code k} of the result is the k-th ready item).
 *
 * @param batch the batch
 * @param result outputs for the ready items, or null when none was ready
 * @param inferredAt when the forward pass finished (epoch ms)
 */
public record BatchOutcome(Batch batch, InferenceResult result, long inferredAt) {}
