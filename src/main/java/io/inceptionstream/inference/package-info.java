/**
 * The inference path: {@link io.inceptionstream.inference.Classifier} (normalise, forward, softmax,
 * top-k, taps) over a {@link io.inceptionstream.inference.Backend} (the DJL network on one device,
 * or a stand-in), plus engine and device choice. Each inference thread owns its classifier and
 * backend; nothing here is shared between threads. Internal: not a stable API.
 */
package io.inceptionstream.inference;
