package dev.acs.broker.adapter.grpc;

/**
 * What the registration, the stream and the probe call when the link to the central server is
 * broken: the status source then reports it and schedules a new register-and-subscribe round.
 * Called on the scheduler thread.
 */
@FunctionalInterface
interface Interruptions {

  /**
   * Reports the broken link and schedules the next round.
   *
   * @param reason what broke, for the listener, the health and the log
   * @param freshChannel whether the channel may be half-open and must be replaced
   */
  void interrupt(String reason, boolean freshChannel);
}
