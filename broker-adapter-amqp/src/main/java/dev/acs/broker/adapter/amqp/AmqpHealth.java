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
 * @param consumerNode the RabbitMQ node ({@code host:port}) the consuming connection is on, or
 *     {@code null} while it is down
 * @param publisherNode the node the publishing connection is on, or {@code null} while it is down
 */
public record AmqpHealth(
    boolean consumerOpen,
    boolean publisherOpen,
    boolean consuming,
    long recoveries,
    @Nullable String lastError,
    @Nullable String consumerNode,
    @Nullable String publisherNode) {

  /** A snapshot that does not say which nodes the connections are on. */
  public AmqpHealth(
      boolean consumerOpen,
      boolean publisherOpen,
      boolean consuming,
      long recoveries,
      @Nullable String lastError) {
    this(consumerOpen, publisherOpen, consuming, recoveries, lastError, null, null);
  }

  /** Whether both connections are up, so messages can be taken and published. */
  public boolean ready() {
    return consumerOpen && publisherOpen;
  }
}
