package dev.acs.broker.adapter.amqp;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.AuthenticationFailureException;
import com.rabbitmq.client.PossibleAuthenticationFailureException;
import com.rabbitmq.client.ShutdownSignalException;
import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * What RabbitMQ's failures mean, in words: a short description for logs and health (never with
 * secrets), and for the refusals that retrying cannot fix, an explanation that tells the operator
 * what to change.
 */
final class AmqpFailures {

  private AmqpFailures() {}

  /**
   * The operator-facing explanation of a refusal that retrying cannot fix, or {@code null} for
   * failures worth retrying (the server down or restarting, a network problem).
   *
   * @param reason {@code failure} as {@link #describe} writes it
   * @param node the node that refused, or {@code null} when none was reached
   */
  static @Nullable String refusal(
      Throwable failure, String reason, AmqpSettings settings, @Nullable AmqpAddress node) {
    String where = "RabbitMQ at " + (node == null ? settings.endpoint() : node.toString());
    String tls = AmqpTls.handshakeRefusal(failure, settings);
    if (tls != null) {
      return tls;
    }
    if (settings.externalAuth()
        && (failure instanceof AuthenticationFailureException
            || failure instanceof PossibleAuthenticationFailureException)) {
      return where
          + " refused the EXTERNAL login with the client certificate ("
          + reason
          + "); check that RabbitMQ has a user named after the certificate's subject (see"
          + " ssl_cert_login_from) and that the rabbitmq_auth_mechanism_ssl plugin is enabled";
    }
    if (failure instanceof QueueTopology.MissingQueueException missing) {
      return where
          + " has no queue '"
          + missing.queue()
          + "' in virtual host '"
          + settings.virtualHost()
          + "', and the broker does not declare queues (--declare-queues=false,"
          + " BROKER_DECLARE_QUEUES): create it as your topology wants it (e.g. rabbitmqadmin"
          + " declare queue name="
          + missing.queue()
          + " durable=true arguments='{\"x-queue-type\":\"quorum\"}'), or let the broker"
          + " declare its queues with --declare-queues=true";
    }
    if (failure instanceof AuthenticationFailureException
        || failure instanceof PossibleAuthenticationFailureException) {
      return where
          + " refused the login of user '"
          + settings.username()
          + "' ("
          + reason
          + "); check the RabbitMQ user name and password";
    }
    int code = replyCode(failure);
    if (code == AMQP.NOT_ALLOWED) {
      return where
          + " refused user '"
          + settings.username()
          + "' on virtual host '"
          + settings.virtualHost()
          + "' ("
          + reason
          + "); check that the virtual host exists and that the user has permissions on it";
    }
    if (code == AMQP.ACCESS_REFUSED) {
      return where
          + " denied user '"
          + settings.username()
          + "' access to the broker's queues ("
          + reason
          + "); grant configure, write and read permissions on the input, output and"
          + " dead-letter queues";
    }
    if (code == AMQP.PRECONDITION_FAILED && reason.contains("x-queue-type")) {
      return where
          + " has a queue of another type than the broker declares ("
          + reason
          + "); run the broker with the type the queues have (--queue-type classic|quorum,"
          + " BROKER_QUEUE_TYPE; now "
          + settings.queueType().wireName()
          + "), or with --declare-queues=false to use the queues as provisioned";
    }
    if (code == AMQP.PRECONDITION_FAILED) {
      return where
          + " has a queue that exists with other properties ("
          + reason
          + "); the broker declares its queues durable, not exclusive, not auto-delete and"
          + (settings.queueType() == QueueType.CLASSIC
              ? " without arguments, as the other services of the system do"
              : " with x-queue-type quorum")
          + ": fix or delete that queue, configure other queue names, or run the broker with"
          + " --declare-queues=false to use the queues as provisioned";
    }
    return null;
  }

  /** The AMQP reply code of the close behind {@code failure}, or -1. */
  static int replyCode(Throwable failure) {
    Throwable cause = failure;
    while (cause != null && !(cause instanceof ShutdownSignalException)) {
      cause = cause.getCause();
    }
    if (cause == null) {
      return -1;
    }
    Object reason = ((ShutdownSignalException) cause).getReason();
    if (reason instanceof AMQP.Connection.Close close) {
      return close.getReplyCode();
    }
    if (reason instanceof AMQP.Channel.Close close) {
      return close.getReplyCode();
    }
    return -1;
  }

  /** A short reason without secrets: exception type and message, or the server's close reason. */
  static String describe(Throwable failure) {
    if (failure instanceof ShutdownSignalException signal) {
      Object reason = signal.getReason();
      if (reason instanceof AMQP.Connection.Close close) {
        return "connection closed: " + close.getReplyCode() + " " + close.getReplyText();
      }
      if (reason instanceof AMQP.Channel.Close close) {
        return "channel closed: " + close.getReplyCode() + " " + close.getReplyText();
      }
      // A connection that died without a close method ("connection error"): the cause says why,
      // e.g. MissedHeartbeatException for a silently dead (half-open) connection.
      Throwable why = signal.getCause();
      if (why != null) {
        String message = why.getMessage();
        return "connection error: "
            + why.getClass().getSimpleName()
            + (message == null ? "" : ": " + message);
      }
    }
    Throwable cause = failure;
    if (failure instanceof IOException && failure.getCause() instanceof ShutdownSignalException) {
      return describe(failure.getCause());
    }
    String message = cause.getMessage();
    return cause.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }
}
