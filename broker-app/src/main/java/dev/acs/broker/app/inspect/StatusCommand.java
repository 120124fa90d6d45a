package dev.acs.broker.app.inspect;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.acs.broker.app.config.DurationConverter;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code broker status}: a one-screen summary of a running broker, read from its admin endpoint.
 */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description =
        "Shows what a running broker is doing: readiness and why, message rates and totals,"
            + " parked messages, agents by state. Reads the broker's admin endpoint.",
    footer = {
      "",
      "Exit codes: 0 the broker is ready, 1 it cannot be reached, 2 usage error,",
      "3 it answered but is not ready (the output names the failing checks)."
    })
public final class StatusCommand implements Callable<Integer> {

  /** Exit code when the broker answered but reports itself not ready, so scripts can wait on it. */
  public static final int EXIT_NOT_READY = 3;

  @Spec private @Nullable CommandSpec spec;

  @Mixin private AdminUrlOptions options = new AdminUrlOptions();

  @Option(
      names = "--interval",
      paramLabel = "DURATION",
      defaultValue = "1s",
      converter = DurationConverter.class,
      description =
          "Time between the two metric scrapes that rates are computed from; 0s shows averages"
              + " since start. Default: ${DEFAULT-VALUE}.")
  private Duration interval = Duration.ofSeconds(1);

  @Override
  public Integer call() throws Exception {
    CommandSpec command = Objects.requireNonNull(spec, "spec");
    AdminClient client = Inspection.client(command, options);
    PrintWriter out = command.commandLine().getOut();
    try {
      PrometheusText before = PrometheusText.parse(client.get("/metrics"));
      if (!interval.isZero()) {
        TimeUnit.NANOSECONDS.sleep(interval.toNanos());
      }
      PrometheusText after =
          interval.isZero() ? before : PrometheusText.parse(client.get("/metrics"));
      JsonNode live = client.json("/health/live");
      JsonNode ready = client.json("/health/ready");
      StatusView view = new StatusView(client.base(), live, ready, before, after, interval);
      out.print(options.json ? pretty(view.toJson()) : view.render());
      out.flush();
      return view.ready() ? 0 : EXIT_NOT_READY;
    } catch (AdminClient.Unreachable unreachable) {
      return Inspection.fail(command, unreachable);
    }
  }

  static String pretty(JsonNode json) throws JsonProcessingException {
    return AdminClient.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(json)
        + System.lineSeparator();
  }

  /** Helpers shared by the admin-reading commands. */
  static final class Inspection {
    private Inspection() {}

    static AdminClient client(CommandSpec command, AdminUrlOptions options) {
      String url = options.adminUrl;
      if (url == null || url.isBlank()) {
        throw new ParameterException(
            command.commandLine(),
            "Missing required option --admin-url (or environment variable BROKER_ADMIN_URL)");
      }
      try {
        return new AdminClient(url.strip());
      } catch (AdminClient.Unreachable invalid) {
        throw new ParameterException(command.commandLine(), invalid.getMessage());
      }
    }

    static int fail(CommandSpec command, AdminClient.Unreachable problem) {
      PrintWriter err = command.commandLine().getErr();
      err.println(problem.getMessage());
      err.flush();
      return 1;
    }
  }
}
