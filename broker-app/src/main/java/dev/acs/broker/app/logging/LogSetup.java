package dev.acs.broker.app.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.FileAppender;
import ch.qos.logback.core.encoder.Encoder;
import dev.acs.broker.app.config.BrokerConfig.LogFormat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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

  /** The pattern of text lines, as in {@code logback.xml}. */
  static final String TEXT_PATTERN =
      "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level [%thread] %logger{36} - %msg%n";

  /** Applies the format and level; does nothing when SLF4J is not bound to Logback. */
  public static void apply(LogFormat format, @Nullable String level) {
    apply(format, level, null);
  }

  /**
   * Applies the format and level, and also writes the log to {@code logFile} (appending, in the
   * same format) when it is not {@code null}: the system's {@code LOG_FILE}.
   *
   * @throws IllegalArgumentException when the file cannot be opened for writing
   */
  public static void apply(LogFormat format, @Nullable String level, @Nullable Path logFile) {
    ILoggerFactory factory = LoggerFactory.getILoggerFactory();
    if (!(factory instanceof LoggerContext context)) {
      return;
    }
    applyFormatAndLevel(context, format, level);
    if (logFile != null) {
      addFile(context, format, logFile);
    }
  }

  private static void addFile(LoggerContext context, LogFormat format, Path logFile) {
    Path absolute = logFile.toAbsolutePath();
    try {
      Path parent = absolute.getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
    } catch (IOException unwritable) {
      throw new IllegalArgumentException(
          "Cannot create the directory of the log file "
              + absolute
              + " (--log-file or LOG_FILE): "
              + unwritable.getMessage(),
          unwritable);
    }
    Encoder<ILoggingEvent> encoder;
    if (format == LogFormat.JSON) {
      encoder = jsonEncoder(context);
    } else {
      PatternLayoutEncoder pattern = new PatternLayoutEncoder();
      pattern.setContext(context);
      pattern.setPattern(TEXT_PATTERN);
      pattern.start();
      encoder = pattern;
    }
    FileAppender<ILoggingEvent> appender = new FileAppender<>();
    appender.setContext(context);
    appender.setName("FILE");
    appender.setFile(absolute.toString());
    appender.setAppend(true);
    appender.setEncoder(encoder);
    appender.start();
    if (!appender.isStarted()) {
      throw new IllegalArgumentException(
          "Cannot write the log file "
              + absolute
              + " (--log-file or LOG_FILE); check the path"
              + " and its permissions");
    }
    context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(appender);
  }

  private static JsonEncoder jsonEncoder(LoggerContext context) {
    JsonEncoder encoder = new JsonEncoder();
    encoder.setContext(context);
    encoder.setWithSequenceNumber(false);
    encoder.setWithNanoseconds(false);
    encoder.setWithContext(false);
    encoder.setWithArguments(false);
    encoder.setWithFormattedMessage(true);
    encoder.setWithMessage(false);
    encoder.start();
    return encoder;
  }

  private static void applyFormatAndLevel(
      LoggerContext context, LogFormat format, @Nullable String level) {
    if (level != null) {
      context.getLogger(BROKER_LOGGERS).setLevel(Level.toLevel(level, Level.INFO));
    }
    if (format == LogFormat.JSON) {
      JsonEncoder encoder = jsonEncoder(context);
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
