package io.inceptionstream.lifecycle;

import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first fatal error of a worker, shared by its threads: whoever hits an error that must stop
 * the worker records it here; the poll thread sees it, stops committing past unfinished work and
 * shuts the worker down. Thread-safe.
 */
public final class Failure {

  private static final Logger LOG = LoggerFactory.getLogger(Failure.class);

  private final AtomicReference<Throwable> first = new AtomicReference<>();

  /** Records a fatal error; only the first is kept, later ones are logged. */
  public void fail(String where, Throwable error) {
    if (first.compareAndSet(
        null, new IllegalStateException(where + ": " + describe(error), error))) {
      LOG.error("Fatal error in {}: {}", where, describe(error), error);
    } else {
      LOG.warn("Further error in {} after a fatal one: {}", where, describe(error));
    }
  }

  /** Whether a fatal error happened. */
  public boolean failed() {
    return first.get() != null;
  }

  /** The first fatal error, or null. */
  public Throwable cause() {
    return first.get();
  }

  public static String describe(Throwable e) {
    String m = e.getMessage();
    return e.getClass().getName() + (m == null ? "" : ": " + m);
  }
}
