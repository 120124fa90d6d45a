package dev.acs.broker.app.inspect;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.Objects;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code broker agents}: the running broker's view of the agents, as a table or JSON. */
@Command(
    name = "agents",
    mixinStandardHelpOptions = true,
    description =
        "Lists the agents as a running broker sees them: state, whether routable and in which"
            + " tier, outstanding messages, last seen. Reads the broker's admin endpoint. The"
            + " --json output is the input format of 'broker route --explain'.",
    footer = {"", "Exit codes: 0 answered, 1 the broker could not be reached."})
public final class AgentsCommand implements Callable<Integer> {

  @Spec private @Nullable CommandSpec spec;

  @Mixin private AdminUrlOptions options = new AdminUrlOptions();

  @Override
  public Integer call() throws Exception {
    CommandSpec command = Objects.requireNonNull(spec, "spec");
    AdminClient client = StatusCommand.Inspection.client(command, options);
    PrintWriter out = command.commandLine().getOut();
    try {
      JsonNode agents = client.json("/agents");
      out.print(options.json ? StatusCommand.pretty(agents) : AgentsView.render(agents));
      out.flush();
      return 0;
    } catch (AdminClient.Unreachable unreachable) {
      return StatusCommand.Inspection.fail(command, unreachable);
    }
  }
}
