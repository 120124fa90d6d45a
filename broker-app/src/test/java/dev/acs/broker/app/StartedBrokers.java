package dev.acs.broker.app;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The {@code broker.jar} processes a test started, stopped when the test method ends. Register it
 * as an instance field with {@code @RegisterExtension}: it closes the processes before the test's
 * own {@code @AfterEach} methods run, so a broker is gone before its queues are deleted (a running
 * broker would declare them again on the shared RabbitMQ).
 */
public final class StartedBrokers implements AfterTestExecutionCallback {

  private final List<BrokerProcess> started = new ArrayList<>();

  /**
   * Starts {@code java -jar broker.jar args…} with {@code environment} added; see BrokerProcess.
   */
  public BrokerProcess start(List<String> args, Map<String, String> environment)
      throws IOException {
    BrokerProcess broker = BrokerProcess.start(args, environment);
    started.add(broker);
    return broker;
  }

  @Override
  public void afterTestExecution(ExtensionContext context) {
    for (BrokerProcess broker : started) {
      broker.close();
    }
    started.clear();
  }
}
