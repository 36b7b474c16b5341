package io.inceptionstream.inference;

import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Process-wide engine settings that must be in place before the first DJL engine loads: offline
 * mode (nothing is ever downloaded; natives come from the jars on the class path), a writable cache
 * directory for the extracted natives, and the native thread settings. MXNet and OpenMP read their
 * settings from the C environment when the library loads, which Java cannot change; this class
 * calls libc's {@code setenv} through JNA (already on the class path with DJL) for each variable
 * the user has not set. Call {@link #apply} once, early, from the main thread.
 */
public final class EngineSetup {

  private static final Logger LOG = LoggerFactory.getLogger(EngineSetup.class);
  private static final Map<String, String> APPLIED = new LinkedHashMap<>();
  private static boolean applied;

  private EngineSetup() {}

  /**
   * Applies the defaults: {@code MXNET_ENGINE_TYPE=NaiveEngine} (no dependency-engine threads
   * competing with OpenMP on few cores), {@code OMP_NUM_THREADS} = {@code threads}, offline mode
   * and a cache directory. Variables already in the environment win.
   *
   * @param threads native compute threads; 0 means one per available processor
   */
  public static synchronized void apply(int threads) {
    if (applied) {
      return;
    }
    applied = true;
    int n = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
    System.setProperty("ai.djl.offline", "true");
    if (System.getProperty("ai.djl.default_engine") == null
        && System.getenv("DJL_DEFAULT_ENGINE") == null) {
      // Shape inference inside DJL blocks uses the default engine; keep it MXNet even when the
      // PyTorch engine is also on the class path.
      System.setProperty("ai.djl.default_engine", "MXNet");
    }
    setIfAbsent("DJL_OFFLINE", "true");
    // DJL's usage reporting and version checks never run offline, but say so explicitly.
    System.setProperty("OPT_OUT_TRACKING", "true");
    setIfAbsent("MXNET_ENGINE_TYPE", "NaiveEngine");
    setIfAbsent("OMP_NUM_THREADS", Integer.toString(n));
    setIfAbsent("MKL_NUM_THREADS", Integer.toString(n));
    System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(n));
    System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
    if (System.getenv("DJL_CACHE_DIR") == null && System.getProperty("DJL_CACHE_DIR") == null) {
      System.setProperty("DJL_CACHE_DIR", cacheDir().toString());
    }
    LOG.debug("Native settings: {}", APPLIED);
  }

  /** The variables this process set, for diagnostics. */
  public static synchronized Map<String, String> applied() {
    return Map.copyOf(APPLIED);
  }

  /** The effective value of a native setting: the user's environment or what was applied. */
  public static synchronized String effective(String name) {
    String env = System.getenv(name);
    return env != null ? env : APPLIED.get(name);
  }

  private static void setIfAbsent(String name, String value) {
    if (System.getenv(name) != null) {
      return;
    }
    try {
      Function setenv = NativeLibrary.getInstance("c").getFunction("setenv");
      int rc = setenv.invokeInt(new Object[] {name, value, 1});
      if (rc == 0) {
        APPLIED.put(name, value);
      } else {
        LOG.warn("setenv({}) failed with {}; export it before starting", name, rc);
      }
    } catch (UnsatisfiedLinkError | RuntimeException e) {
      LOG.warn(
          "Cannot set {} ({}); export {}={} before starting for best speed",
          name,
          e.getClass().getName(),
          name,
          value);
    }
  }

  /** {@code ~/.djl.ai} when writable, else a directory under the temporary directory. */
  private static Path cacheDir() {
    Path home = Path.of(System.getProperty("user.home", "."), ".djl.ai");
    try {
      Files.createDirectories(home);
      if (Files.isWritable(home)) {
        return home;
      }
    } catch (IOException | SecurityException e) {
      LOG.debug("{} not usable: {}", home, e.toString());
    }
    return Path.of(
        System.getProperty("java.io.tmpdir"),
        "inception-stream-djl-" + System.getProperty("user.name", "user"));
  }
}
