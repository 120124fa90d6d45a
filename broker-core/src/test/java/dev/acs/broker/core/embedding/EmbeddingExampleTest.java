package dev.acs.broker.core.embedding;

import static org.assertj.core.api.Assertions.assertThat;

import dev.acs.broker.core.agent.Agent;
import dev.acs.broker.core.application.BrokerCore;
import dev.acs.broker.core.embedding.EmbeddingExample.InMemoryTransport;
import dev.acs.broker.core.embedding.EmbeddingExample.Mail;
import dev.acs.broker.core.message.Destination;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Runs the example of {@code docs/embedding.md} against its own in-memory transport. */
class EmbeddingExampleTest {

  private static final Duration WAIT = Duration.ofSeconds(10);

  private final InMemoryTransport transport = new InMemoryTransport();

  @Test
  @DisplayName(
      "the embedded core routes to available agents, honours a named receiver, dead-letters what"
          + " it does not route, and parks a message until an agent can take it")
  void routesParksAndDeadLetters() throws InterruptedException {
    transport.agentsAre(List.of(agent("alice", "idle"), agent("bob", "busy")));
    BrokerCore core = EmbeddingExample.startRouting(transport);
    boolean drained;
    try {
      transport.send(fromFrontend("m1", "client-1", "hello"));
      Mail first = next();
      assertThat(first.destination()).isEqualTo(Destination.SERVER);
      assertThat(first.fields())
          .containsEntry("message_id", "m1")
          .containsEntry("receiver_id", "alice")
          .containsEntry("routing_status", "routed")
          .containsEntry("text_payload", "hello")
          .doesNotContainKey("_client_id");

      transport.send(toAgent("m2", "alice", "bob"));
      assertThat(next().fields())
          .containsEntry("message_id", "m2")
          .containsEntry("receiver_id", "bob")
          .containsEntry("routing_status", "routed");

      transport.send(Map.of("message_id", "m3", "message_type", "PING", "sender_id", "client-1"));
      Mail deadLetter = next();
      assertThat(deadLetter.destination()).isEqualTo(Destination.DEAD_LETTER);
      assertThat(deadLetter.fields()).containsEntry("message_id", "m3");
      assertThat(transport.unsettled()).isZero();

      CountDownLatch nobodyAvailable = new CountDownLatch(1);
      core.registry()
          .onUpdate(
              change -> {
                if (change.after().availableCount() == 0) {
                  nobodyAvailable.countDown();
                }
              });
      transport.agentsAre(List.of(agent("alice", "offline"), agent("bob", "offline")));
      assertThat(nobodyAvailable.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
      transport.send(fromFrontend("m4", "client-2", "anyone there?"));
      assertThat(transport.published()).isEmpty();
      assertThat(transport.unsettled()).isEqualTo(1);
      assertThat(core.routing().parkedCount()).isEqualTo(1);

      transport.agentsAre(List.of(agent("alice", "offline"), agent("bob", "idle")));
      Mail released = next();
      assertThat(released.fields())
          .containsEntry("message_id", "m4")
          .containsEntry("receiver_id", "bob");
    } finally {
      drained = core.stop(WAIT);
    }
    assertThat(drained).isTrue();
    assertThat(transport.unsettled()).isZero();
    assertThat(transport.requeued()).isEmpty();
  }

  private Mail next() throws InterruptedException {
    Mail mail = transport.published().poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(mail).as("a published message within %s", WAIT).isNotNull();
    return mail;
  }

  private static Agent agent(String id, String state) {
    return Agent.fromStatus(
        id, "Agent " + id, "2026-01-01T00:00:00+00:00", Map.of("internal_state", state));
  }

  private static Map<String, String> fromFrontend(String id, String client, String text) {
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("message_id", id);
    fields.put("message_type", "TEXT");
    fields.put("sender_id", client);
    fields.put("receiver_id", "server");
    fields.put("text_payload", text);
    fields.put("routing_status", "pending");
    fields.put("_client_id", client);
    return fields;
  }

  private static Map<String, String> toAgent(String id, String sender, String receiver) {
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("message_id", id);
    fields.put("message_type", "TEXT");
    fields.put("sender_id", sender);
    fields.put("receiver_id", receiver);
    fields.put("text_payload", "over to you");
    fields.put("routing_status", "pending");
    return fields;
  }
}
