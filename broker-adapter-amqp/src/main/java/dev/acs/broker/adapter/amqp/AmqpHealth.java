package dev.acs.broker.adapter.amqp;

import org.jspecify.annotations.Nullable;

/**
 * A snapshot of the transport's readiness, for health endpoints.
 *
 * @param consumerOpen the consuming connection and channel are open
 * @param publisherOpen the publishing connection and channel are open (confirms on)
 * @param consuming a consumer is registered on the input queue right now
 * @param recoveries how many times a connection or channel was restored after a loss
 * @param lastError the last connection problem seen, or {@code null}; never contains secrets
 */
public record AmqpHealth(
    boolean consumerOpen,
    boolean publisherOpen,
    boolean consuming,
    long recoveries,
    @Nullable String lastError) {

  /** Whether both connections are up, so messages can be taken and published. */
  public boolean ready() {
    return consumerOpen && publisherOpen;
  }
}
