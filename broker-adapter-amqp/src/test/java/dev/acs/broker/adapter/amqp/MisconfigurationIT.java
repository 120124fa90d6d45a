package dev.acs.broker.adapter.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.acs.broker.core.BrokerIdentity;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Refusals that retrying cannot fix end {@link AmqpTransport#connect()} at once with a message that
 * says what to check, instead of a retry loop that looks like an outage.
 */
class MisconfigurationIT {

  private final String suffix = UUID.randomUUID().toString();
  private final AmqpSettings settings =
      AmqpSettings.builder()
          .inputQueue("it-misconf-in-" + suffix)
          .outputQueue("it-misconf-out-" + suffix)
          .deadLetterQueue("it-misconf-dead-" + suffix)
          .reconnectBackoff(Duration.ofMillis(50), Duration.ofMillis(200))
          .build();

  @Test
  void wrongPassword_failsAtOnce_namingTheUser() {
    assertRefused(
        settings.toBuilder().password("not-the-password").build(),
        "refused the login of user 'guest'",
        "check the RabbitMQ user name and password");
  }

  @Test
  void missingVirtualHost_failsAtOnce_namingIt() {
    assertRefused(
        settings.toBuilder().virtualHost("no-such-vhost-" + suffix).build(),
        "virtual host 'no-such-vhost-" + suffix + "'",
        "check that the virtual host exists");
  }

  @Test
  void queueDeclaredWithOtherArguments_failsAtOnce_explainingTheContract() throws Exception {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setHost(settings.host());
    try (Connection connection = factory.newConnection();
        Channel channel = connection.createChannel()) {
      channel.queueDeclare(settings.inputQueue(), true, false, false, Map.of("x-max-length", 10));
      try {
        assertRefused(settings, "exists with other properties", "without arguments");
      } finally {
        channel.queueDelete(settings.inputQueue());
        channel.queueDelete(settings.outputQueue());
        channel.queueDelete(settings.deadLetterQueue());
      }
    }
  }

  private static void assertRefused(AmqpSettings settings, String... expectedParts) {
    AmqpTransport transport =
        new AmqpTransport(
            settings, new BrokerIdentity("broker_it", "Broker-IT"), AmqpListener.NONE);
    try {
      assertThatThrownBy(transport::connect)
          .isInstanceOf(AmqpConfigurationException.class)
          .satisfies(
              refused -> {
                for (String part : expectedParts) {
                  assertThat(refused.getMessage()).contains(part);
                }
                if (!settings.password().equals(settings.username())) {
                  assertThat(refused.getMessage()).doesNotContain(settings.password());
                }
              });
    } finally {
      transport.close();
    }
  }
}
