package dev.acs.broker.adapter.amqp;

/**
 * RabbitMQ refused the broker for a reason that retrying cannot fix: a wrong user name or password,
 * a missing virtual host or missing permissions, or a queue that exists with other arguments. The
 * message says what was refused and what to check.
 */
public final class AmqpConfigurationException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  AmqpConfigurationException(String message) {
    super(message);
  }
}
