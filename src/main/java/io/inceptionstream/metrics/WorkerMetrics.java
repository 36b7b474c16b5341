package io.inceptionstream.metrics;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.Histogram;
import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.SlidingTimeWindowArrayReservoir;
import com.codahale.metrics.Timer;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Every metric the worker publishes, by name, in one Dropwizard registry. The names are a contract
 * (docs/operations.md lists them); Prometheus sees them with dots and dashes turned into
 * underscores and the prefix {@code inception_stream_}. Meters, histograms and timers are
 * thread-safe; gauges read values their owners publish.
 */
public final class WorkerMetrics {

  public static final String PREFIX = "inception-stream";

  private final MetricRegistry registry;

  /** Input records polled. */
  public final Meter recordsIn;

  /** Records whose prediction (and embeddings) were acknowledged. */
  public final Meter recordsPredicted;

  /** Records sent to the dead-letter topic and acknowledged. */
  public final Meter recordsDeadLettered;

  /** Images per forward pass. */
  public final Histogram batchSize;

  /** Items waiting in the batcher's input when a batch is flushed. */
  public final Histogram queueDepth;

  /** How long the oldest image of a batch waited for the batch to fill. */
  public final Timer batchFillWait;

  /** One forward pass. */
  public final Timer inferenceBatch;

  /** Forward-pass time divided by the images in the batch. */
  public final Timer inferenceImage;

  /** From the input's creation time to the acknowledgement of its last output. */
  public final Timer endToEndLatency;

  public WorkerMetrics(MetricRegistry registry) {
    this.registry = registry;
    recordsIn = registry.meter(name("records", "in"));
    recordsPredicted = registry.meter(name("records", "predicted"));
    recordsDeadLettered = registry.meter(name("records", "dead-lettered"));
    batchSize = registry.histogram(name("batch", "size"), () -> new Histogram(window()));
    queueDepth = registry.histogram(name("batch", "queue-depth"), () -> new Histogram(window()));
    batchFillWait = registry.timer(name("batch", "fill-wait"), () -> new Timer(window()));
    inferenceBatch = registry.timer(name("inference", "batch"), () -> new Timer(window()));
    inferenceImage = registry.timer(name("inference", "image"), () -> new Timer(window()));
    endToEndLatency = registry.timer(name("latency", "end-to-end"), () -> new Timer(window()));
    // Heap in use now (live and not yet collected), for memory checks without JMX.
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    gauge(HEAP_USED, () -> memory.getHeapMemoryUsage().getUsed());
  }

  private static SlidingTimeWindowArrayReservoir window() {
    // A one-minute window: quantiles describe recent behaviour, not the whole uptime.
    return new SlidingTimeWindowArrayReservoir(1, TimeUnit.MINUTES);
  }

  /** The metric name with the worker prefix. */
  public static String name(String... parts) {
    return MetricRegistry.name(PREFIX, parts);
  }

  /** Registers a gauge; {@code value} must be cheap and thread-safe. */
  public void gauge(String name, LongSupplier value) {
    registry.gauge(name, () -> (Gauge<Long>) value::getAsLong);
  }

  /** The registry, for reporters. */
  public MetricRegistry registry() {
    return registry;
  }

  /** Gauge names, registered by their owners. */
  public static final String IN_FLIGHT = name("records", "in-flight");

  public static final String IN_FLIGHT_BYTES = name("records", "in-flight-bytes");
  public static final String PAUSED_PARTITIONS = name("partitions", "paused");
  public static final String ASSIGNED_PARTITIONS = name("partitions", "assigned");
  public static final String CONSUMER_LAG = name("consumer", "lag");
  public static final String IN_FLIGHT_MAX = name("records", "in-flight-max");
  public static final String PAUSES = name("partitions", "pauses");
  public static final String RESUMES = name("partitions", "resumes");

  /** The batch size in use: the fixed batch.max-size, or the one auto chose at warm-up. */
  public static final String BATCH_SIZE_CHOSEN = name("batch", "size", "chosen");

  /** Bytes of JVM heap in use, registered by this class. */
  public static final String HEAP_USED = name("jvm", "heap-used");

  /** Every gauge the poll thread and the worker register, for documentation checks. */
  public static final java.util.List<String> GAUGES =
      java.util.List.of(
          IN_FLIGHT,
          IN_FLIGHT_BYTES,
          IN_FLIGHT_MAX,
          PAUSED_PARTITIONS,
          ASSIGNED_PARTITIONS,
          PAUSES,
          RESUMES,
          CONSUMER_LAG,
          BATCH_SIZE_CHOSEN,
          HEAP_USED);
}
