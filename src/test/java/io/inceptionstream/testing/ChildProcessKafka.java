package io.inceptionstream.testing;

import io.inceptionstream.broker.BrokerProcess;
import java.nio.file.Path;

/**
 * A {@link KafkaCluster} in a child JVM ({@link BrokerProcess}): killed with SIGKILL, restarted on
 * the same port and data directory, so acknowledged records and the address survive a restart. Used
 * from the test thread.
 */
public final class ChildProcessKafka implements KafkaCluster {

  private final BrokerProcess process;

  private ChildProcessKafka(BrokerProcess process) {
    this.process = process;
  }

  /** Starts a broker with its data in {@code dataDir} (null: a temporary directory). */
  public static ChildProcessKafka start(Path dataDir) {
    return new ChildProcessKafka(BrokerProcess.start(dataDir, 0));
  }

  /** The child process behind this cluster. */
  public BrokerProcess process() {
    return process;
  }

  @Override
  public String bootstrapServers() {
    return process.bootstrapServers();
  }

  @Override
  public void kill() {
    process.kill();
  }

  @Override
  public void restart() {
    process.restart();
  }

  @Override
  public boolean keepsDataAcrossRestart() {
    return true;
  }

  @Override
  public void close() {
    process.close();
  }

  @Override
  public String toString() {
    return "child process on " + bootstrapServers();
  }
}
