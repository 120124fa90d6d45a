package dev.acs.broker.app.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import dev.acs.broker.app.config.BrokerConfig.LogFormat;
import org.jspecify.annotations.Nullable;
import org.slf4j.ILoggerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Adjusts the Logback set-up of {@code logback.xml} (text lines, INFO) to the command line: JSON
 * lines for {@code --log-format json}, and the level of the broker's own loggers ({@code
 * dev.acs.broker}, the core's {@code System.Logger} output included) for {@code --log-level}.
 * Third-party loggers (netty, grpc, amqp-client) keep their quieter levels.
 */
public final class LogSetup {

  /** The logger whose level {@code --log-level} sets. */
  public static final String BROKER_LOGGERS = "dev.acs.broker";

  private LogSetup() {}

  /** Applies the format and level; does nothing when SLF4J is not bound to Logback. */
  public static void apply(LogFormat format, @Nullable String level) {
    ILoggerFactory factory = LoggerFactory.getILoggerFactory();
    if (!(factory instanceof LoggerContext context)) {
      return;
    }
    if (level != null) {
      context.getLogger(BROKER_LOGGERS).setLevel(Level.toLevel(level, Level.INFO));
    }
    if (format == LogFormat.JSON) {
      JsonEncoder encoder = new JsonEncoder();
      encoder.setContext(context);
      encoder.setWithSequenceNumber(false);
      encoder.setWithNanoseconds(false);
      encoder.setWithContext(false);
      encoder.setWithArguments(false);
      encoder.setWithFormattedMessage(true);
      encoder.setWithMessage(false);
      encoder.start();
      ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
      appender.setContext(context);
      appender.setName("JSON");
      appender.setEncoder(encoder);
      appender.start();
      ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
      root.detachAndStopAllAppenders();
      root.addAppender(appender);
    }
  }
}
