package dev.acs.broker.app.inspect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.acs.broker.app.cli.BrokerCli;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class RouteCommandTest {

  @TempDir Path temp;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine commandLine =
        BrokerCli.commandLine(
            Map.of(),
            config -> {
              throw new AssertionError("route must not launch a broker");
            });
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    return commandLine.execute(args);
  }

  private Path fixture() throws IOException {
    Path file = temp.resolve("explain.json");
    try (InputStream in =
        Objects.requireNonNull(getClass().getResourceAsStream("explain.json"), "fixture")) {
      Files.copy(in, file);
    }
    return file;
  }

  @Test
  void explain_printsEachPolicysChoiceAndWhy() throws IOException {
    int exitCode = run("route", "--explain", fixture().toString());

    assertThat(exitCode).as(err.toString()).isZero();
    String text = out.toString();
    assertThat(text)
        .contains("Message k3x9qa: TEXT from web_1a2b3c4d to server")
        .contains("conversation key web_1a2b3c4d")
        .contains("Agents: 4 known, 3 available under routable states")
        .contains("tier 1 (idle): agent_1, agent_3")
        .contains("tier 2 (busy,initializing): agent_2")
        .contains("not routable: agent_4 (offline)")
        .contains("seeded with 1 (--seed)")
        .contains("\nsticky\n", "\nrandom\n", "\nround-robin\n", "\nleast-loaded\n")
        .contains("round-robin\n  decision: deliver to agent_1 (Alice), receiver_id set to it")
        .contains("least-loaded\n  decision: deliver to agent_3 (Carol)")
        .contains("outstanding messages: agent_1 3, agent_3 1");
  }

  @Test
  void explain_isRepeatableForASeed() throws IOException {
    Path file = fixture();
    run("route", "--explain", file.toString(), "--seed", "7");
    String first = out.toString();
    out.getBuffer().setLength(0);
    run("route", "--explain", file.toString(), "--seed", "7");

    assertThat(out.toString()).isEqualTo(first);
  }

  @Test
  void explain_withNobodyAvailable_showsParkThenTheReferenceError() throws IOException {
    Path file = temp.resolve("nobody.json");
    Files.writeString(
        file,
        "{\"message\":{\"message_id\":\"m1\",\"message_type\":\"TEXT\",\"sender_id\":\"web_1\"},"
            + "\"agents\":{\"agents\":[{\"id\":\"a1\",\"state\":\"paused\"}]}}",
        StandardCharsets.UTF_8);

    int exitCode = run("route", "--explain", file.toString());

    assertThat(exitCode).isZero();
    assertThat(out.toString())
        .contains("decision: park")
        .contains(
            "after --park-timeout with no change: answer the sender with an ERROR:"
                + " \"No other online agents available to handle the message.\"");
  }

  @Test
  void explain_aSuspectedAgent_isAvoided_andTakenOnlyWhenNobodyElseCan() throws IOException {
    Path file = temp.resolve("suspect.json");
    Files.writeString(
        file,
        "{\"message\":{\"message_id\":\"m1\",\"message_type\":\"TEXT\",\"sender_id\":\"web_1\","
            + "\"_client_id\":\"web_1\"},\"agents\":{\"agents\":["
            + "{\"id\":\"a1\",\"state\":\"idle\",\"suspected\":\"last_seen stopped advancing\"},"
            + "{\"id\":\"a2\",\"state\":\"busy\"}]}}",
        StandardCharsets.UTF_8);

    int exitCode = run("route", "--explain", file.toString());

    assertThat(exitCode).as(err.toString()).isZero();
    assertThat(out.toString())
        .contains("suspected dead by the broker, chosen only when no healthy agent can be: a1")
        .contains("sticky\n  decision: deliver to a2")
        .doesNotContain("deliver to a1");

    out.getBuffer().setLength(0);
    Files.writeString(
        file,
        "{\"message\":{\"message_id\":\"m1\",\"message_type\":\"TEXT\",\"sender_id\":\"web_1\"},"
            + "\"agents\":[{\"id\":\"a1\",\"state\":\"idle\",\"suspected\":\"silent\"}]}",
        StandardCharsets.UTF_8);
    run("route", "--explain", file.toString());
    assertThat(out.toString())
        .contains("deliver to a1")
        .contains("no healthy agent available; taking suspected agent a1 (silent)");
  }

  @Test
  void explain_referenceRoutableStates_makePausedAgentsRoutable() throws IOException {
    Path file = temp.resolve("paused.json");
    Files.writeString(
        file,
        "{\"message\":{\"message_type\":\"TEXT\",\"sender_id\":\"web_1\"},"
            + "\"agents\":[{\"id\":\"a1\",\"state\":\"paused\"}]}",
        StandardCharsets.UTF_8);

    run(
        "route",
        "--explain",
        file.toString(),
        "--routable-states",
        "initializing,idle,busy,paused");

    assertThat(out.toString()).contains("decision: deliver to a1");
  }

  @Test
  void explain_fileWithoutMessage_exits1SayingWhatIsMissing() throws IOException {
    Path file = temp.resolve("bad.json");
    Files.writeString(file, "{\"agents\":[]}", StandardCharsets.UTF_8);

    int exitCode = run("route", "--explain", file.toString());

    assertThat(exitCode).isEqualTo(1);
    assertThat(err.toString()).contains("needs a \"message\" object");
  }
}
