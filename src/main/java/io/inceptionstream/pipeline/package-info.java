/**
 * Wiring one worker: {@link io.inceptionstream.pipeline.Worker} connects the poll loop, the decode
 * pool with its time limit, the batcher, one inference thread per device with its watchdog, and the
 * publisher, plus metrics and health. Internal: not a stable API.
 */
package io.inceptionstream.pipeline;
