package dev.acs.broker.app.config;

import com.rabbitmq.client.ConnectionFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Help.Visibility;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;

/**
 * How to log in to RabbitMQ beside its host: port, user, password (or a file holding it) and
 * virtual host. A picocli mixin shared by {@code broker run}, {@code simulate} and {@code demo}, so
 * the three read the same options and variables and resolve the password the same way. The host
 * stays with each command: {@code run} requires it, {@code simulate} defaults to 127.0.0.1, and in
 * {@code demo} it switches from the embedded broker to a real one.
 */
public final class RabbitMqLoginOptions {

  private static final String PASSWORD = "--rabbitmq-password";
  private static final String PASSWORD_FILE = "--rabbitmq-password-file";

  @Option(
      names = "--rabbitmq-port",
      paramLabel = "PORT",
      defaultValue = "5672",
      description = "RabbitMQ port. Env: RABBITMQ_PORT. Default: ${DEFAULT-VALUE}.")
  private int rabbitPort;

  @Option(
      names = "--rabbitmq-username",
      paramLabel = "USER",
      defaultValue = "guest",
      description = "RabbitMQ user. Env: RABBITMQ_USERNAME. Default: ${DEFAULT-VALUE}.")
  private String rabbitUsername = "guest";

  @Option(
      names = "--rabbitmq-password",
      paramLabel = "SECRET",
      showDefaultValue = Visibility.NEVER,
      description =
          "RabbitMQ password (default: guest). Prefer --rabbitmq-password-file or the"
              + " environment: a command line is visible to other users. Env: RABBITMQ_PASSWORD.")
  private @Nullable String rabbitPassword;

  @Option(
      names = "--rabbitmq-password-file",
      paramLabel = "FILE",
      description =
          "File whose content (trailing newline ignored) is the RabbitMQ password."
              + " Env: RABBITMQ_PASSWORD_FILE.")
  private @Nullable Path rabbitPasswordFile;

  @Option(
      names = "--rabbitmq-vhost",
      paramLabel = "VHOST",
      defaultValue = "/",
      description = "RabbitMQ virtual host. Env: RABBITMQ_VHOST. Default: ${DEFAULT-VALUE}.")
  private String rabbitVirtualHost = "/";

  /** The port. */
  public int port() {
    return rabbitPort;
  }

  /** The user name. */
  public String username() {
    return rabbitUsername;
  }

  /** The virtual host. */
  public String virtualHost() {
    return rabbitVirtualHost;
  }

  /**
   * The password: the command line's {@code --rabbitmq-password} or {@code
   * --rabbitmq-password-file} (not both), else the environment's {@code RABBITMQ_PASSWORD}, else
   * the file {@code RABBITMQ_PASSWORD_FILE} names, else {@code guest}.
   *
   * @param command the command this mixin is part of, to tell the command line from the environment
   *     (both fill the same fields)
   * @throws IllegalArgumentException for both options, or a file that cannot be read
   */
  public String password(CommandSpec command) {
    ParseResult parsed = command.commandLine().getParseResult();
    boolean passwordOption = parsed.hasMatchedOption(PASSWORD);
    boolean fileOption = parsed.hasMatchedOption(PASSWORD_FILE);
    if (passwordOption && fileOption) {
      throw new IllegalArgumentException(
          "Use either --rabbitmq-password or --rabbitmq-password-file, not both");
    }
    if (passwordOption || (!fileOption && rabbitPassword != null)) {
      return Objects.requireNonNull(rabbitPassword);
    }
    if (rabbitPasswordFile != null) {
      String source =
          fileOption ? PASSWORD_FILE : EnvironmentDefaults.variableOf(command, PASSWORD_FILE);
      return readPassword(rabbitPasswordFile, source);
    }
    return "guest";
  }

  /** A connection factory for the sandbox's plain connections to {@code host}. */
  public ConnectionFactory connectionFactory(String host, CommandSpec command) {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setHost(host);
    factory.setPort(rabbitPort);
    factory.setUsername(rabbitUsername);
    factory.setPassword(password(command));
    factory.setVirtualHost(rabbitVirtualHost);
    return factory;
  }

  private static String readPassword(Path file, String source) {
    try {
      String content = Files.readString(file, StandardCharsets.UTF_8);
      // Files written by `echo` or by secret mounts end with a newline that is not the password.
      return content.replaceAll("[\\r\\n]+$", "");
    } catch (IOException | RuntimeException unreadable) {
      throw new IllegalArgumentException(
          "Cannot read the RabbitMQ password file "
              + file
              + " (from "
              + source
              + "): "
              + unreadable.getMessage(),
          unreadable);
    }
  }
}
