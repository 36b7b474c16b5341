/**
 * The worker's typed, validated configuration: {@link io.inceptionstream.config.WorkerConfigDef}
 * declares every key once (type, default, rule, documentation), {@link
 * io.inceptionstream.config.WorkerConfig} is the immutable result of layering defaults, a
 * properties file, the environment and command-line flags, and {@link
 * io.inceptionstream.config.ConfigDocs} renders the reference table from the declarations. No Kafka
 * or engine types live here; Kafka client properties are plain strings. Public API: {@link
 * io.inceptionstream.config.WorkerConfig} and {@link io.inceptionstream.config.WorkerConfigDef}.
 */
package io.inceptionstream.config;
