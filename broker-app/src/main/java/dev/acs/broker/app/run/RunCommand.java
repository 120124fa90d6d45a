package dev.acs.broker.app.run;

import dev.acs.broker.app.config.BrokerConfig;
import dev.acs.broker.app.config.EnvironmentDefaults;
import dev.acs.broker.app.config.VersionProvider;
import java.util.Objects;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code broker run}: parses and validates the configuration (options first, then environment
 * variables, then defaults) and hands it to a {@link BrokerLauncher}.
 *
 * <p>The options come in groups (picocli mixins), listed in the order of the help; each group turns
 * its options into its part of the {@link BrokerConfig}, or of the adapters' settings it holds, and
 * names the option and its variable when a value is wrong. Each option declares its environment
 * variable once, in its description ({@link EnvironmentDefaults}).
 */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    sortOptions = false,
    usageHelpAutoWidth = true,
    description =
        "Runs the broker: registers with the central server, follows the agent status stream,"
            + " waits for the first snapshot, connects to RabbitMQ and routes messages until"
            + " SIGTERM or SIGINT. Every option falls back on the environment variable named in"
            + " its description.",
    footer = {
      "",
      "Exit codes: 0 orderly shutdown, 1 fatal runtime failure, 2 usage or configuration error."
    })
public final class RunCommand implements Callable<Integer> {

  private final EnvironmentDefaults environment;
  private final BrokerLauncher launcher;

  @Spec private @Nullable CommandSpec spec;

  @Mixin private GrpcOptions grpc = new GrpcOptions();
  @Mixin private RabbitMqOptions rabbitMq = new RabbitMqOptions();
  @Mixin private TlsOptions tls = new TlsOptions();
  @Mixin private IdentityOptions identity = new IdentityOptions();
  @Mixin private TopologyOptions topology = new TopologyOptions();
  @Mixin private LifecycleOptions lifecycle = new LifecycleOptions();
  @Mixin private RoutingOptions routing = new RoutingOptions();
  @Mixin private PublishingOptions publishing = new PublishingOptions();
  @Mixin private LoggingOptions logging = new LoggingOptions();
  @Mixin private AdminOptions admin = new AdminOptions();
  @Mixin private InteropOptions interop = new InteropOptions();

  /**
   * A command over an injected environment.
   *
   * @param environment the environment variables the command line falls back on (it must use the
   *     same provider for this command's defaults); the host name comes from there too
   * @param launcher what runs the broker once the configuration is valid
   */
  public RunCommand(EnvironmentDefaults environment, BrokerLauncher launcher) {
    this.environment = Objects.requireNonNull(environment, "environment");
    this.launcher = Objects.requireNonNull(launcher, "launcher");
  }

  @Override
  public Integer call() throws Exception {
    return launcher.launch(toConfig());
  }

  /**
   * The validated configuration.
   *
   * @throws ParameterException naming the option and its environment variable
   */
  BrokerConfig toConfig() {
    CommandSpec command = Objects.requireNonNull(spec, "spec is injected by picocli");
    try {
      return new BrokerConfig(
          identity.toIdentity(environment),
          grpc.settings(command, interop, tls),
          rabbitMq.settings(command, topology, tls, publishing),
          lifecycle.snapshotTimeout(),
          lifecycle.drainTimeout(),
          routing.policy(command),
          routing.parkTimeout(),
          routing.waitForStickyAgent(),
          routing.outstandingExpiry(),
          routing.availability(command),
          logging.format(command),
          logging.level(command),
          admin.toConfig(),
          publishing.decisionHeaders(command),
          publishing.redelivery(),
          interop.toConfig(command));
    } catch (IllegalArgumentException invalid) {
      throw new ParameterException(command.commandLine(), invalid.getMessage(), invalid);
    }
  }
}
