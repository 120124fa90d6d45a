package dev.acs.broker.core.application;

/** The broker could not start; the message says what was missing and what to check. */
public final class BrokerStartupException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** An exception with a message that tells the operator what to do. */
  public BrokerStartupException(String message) {
    super(message);
  }
}
