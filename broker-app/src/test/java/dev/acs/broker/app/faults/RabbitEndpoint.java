package dev.acs.broker.app.faults;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.io.IOException;
import java.util.concurrent.TimeoutException;

/** Where the test's own clients connect: the private node, a virtual host, guest. */
record RabbitEndpoint(int port, String virtualHost) {

  Connection connect(String name) throws IOException, TimeoutException {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setHost("127.0.0.1");
    factory.setPort(port);
    factory.setVirtualHost(virtualHost);
    factory.setUsername("guest");
    factory.setPassword("guest");
    factory.setAutomaticRecoveryEnabled(false);
    factory.setRequestedHeartbeat(5);
    factory.setConnectionTimeout(5_000);
    return factory.newConnection("broker-faults-test " + name);
  }
}
