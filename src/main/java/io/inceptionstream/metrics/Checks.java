package io.inceptionstream.metrics;

import com.codahale.metrics.health.HealthCheck;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Small health checks built from conditions the worker's stages publish. */
public final class Checks {

  private Checks() {}

  /** Healthy while {@code condition} holds; otherwise unhealthy with {@code problem}. */
  public static HealthCheck when(BooleanSupplier condition, String healthy, String problem) {
    return new HealthCheck() {
      @Override
      protected Result check() {
        return condition.getAsBoolean() ? Result.healthy(healthy) : Result.unhealthy(problem);
      }
    };
  }

  /** Healthy while {@code error} returns null; otherwise unhealthy with its message. */
  public static HealthCheck noError(Supplier<String> error) {
    return new HealthCheck() {
      @Override
      protected Result check() {
        String e = error.get();
        return e == null ? Result.healthy() : Result.unhealthy(e);
      }
    };
  }
}
