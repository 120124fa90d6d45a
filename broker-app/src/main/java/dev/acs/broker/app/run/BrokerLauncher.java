package dev.acs.broker.app.run;

import dev.acs.broker.app.config.BrokerConfig;

/** Runs a broker with a parsed configuration; a seam so the CLI can be tested without one. */
@FunctionalInterface
public interface BrokerLauncher {

  /**
   * Runs the broker until it is told to stop.
   *
   * @return the process exit code: 0 after an orderly shutdown
   * @throws Exception a fatal failure, reported by the CLI with exit code 1
   */
  int launch(BrokerConfig config) throws Exception;
}
