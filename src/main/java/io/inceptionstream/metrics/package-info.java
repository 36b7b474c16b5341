/**
 * The worker's Dropwizard metric registry and names, the health checks, and the HTTP endpoint
 * serving {@code /metrics} (Prometheus text) and {@code /health/live|ready}. Internal: the metric
 * names, listed in docs/operations.md, are the interface.
 */
package io.inceptionstream.metrics;
