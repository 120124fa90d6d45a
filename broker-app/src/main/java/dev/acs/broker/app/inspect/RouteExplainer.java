package dev.acs.broker.app.inspect;

import com.fasterxml.jackson.databind.JsonNode;
import dev.acs.broker.app.config.RoutingPolicies;
import dev.acs.broker.core.agent.Agent;
import dev.acs.broker.core.agent.AgentId;
import dev.acs.broker.core.agent.AgentState;
import dev.acs.broker.core.agent.AgentView;
import dev.acs.broker.core.agent.Availability;
import dev.acs.broker.core.message.MessageEnvelope;
import dev.acs.broker.core.routing.MessageRouter;
import dev.acs.broker.core.routing.OutstandingWork;
import dev.acs.broker.core.routing.RoutingDecision;
import dev.acs.broker.core.routing.RoutingPolicy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * A dry run of the real routing core ({@link MessageRouter}, the core's policies, {@link
 * AgentView}) on one message and a snapshot of agents: which agent each policy would choose, and
 * why. No network; random draws are seeded so the output is repeatable.
 */
final class RouteExplainer {

  private static final Instant AT = RouteQuestion.AT;

  private final MessageEnvelope message;
  private final AgentView view;

  /** The view without the agents the broker suspected dead, which policies choose from first. */
  private final AgentView healthy;

  private final Map<AgentId, String> suspects;
  private final Map<AgentId, Integer> outstanding;
  private final long seed;

  private RouteExplainer(RouteQuestion question, long seed) {
    this.message = question.message();
    this.view = question.view();
    this.suspects = question.suspects();
    this.healthy =
        suspects.isEmpty()
            ? view
            : AgentView.of(
                view.version(),
                AT,
                view.availability(),
                view.agents().stream().filter(agent -> !suspects.containsKey(agent.id())).toList());
    this.outstanding = question.outstanding();
    this.seed = seed;
  }

  /**
   * Reads the input document ({@link RouteQuestion#read}) and explains it with draws seeded by
   * {@code seed}.
   *
   * @throws IllegalArgumentException saying what is missing or malformed
   */
  static RouteExplainer of(JsonNode input, Availability availability, long seed) {
    return new RouteExplainer(RouteQuestion.read(input, availability), seed);
  }

  /** The explanation, for people. */
  String render() {
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            Locale.ROOT,
            "Message %s: %s from %s to %s (routing_status %s); conversation key %s%n",
            orDash(message.messageId()),
            message.rawType(),
            orDash(message.senderId()),
            orDash(message.receiverId()),
            orDash(message.routingStatus()),
            message.affinityKey().orElse("(none)")));
    out.append(
        String.format(
            Locale.ROOT,
            "Agents: %d known, %d available under routable states %s%n",
            view.size(),
            view.availableCount(),
            view.availability()));
    for (int tier = 0; tier < view.tierCount(); tier++) {
      out.append(
          String.format(
              Locale.ROOT,
              "  tier %d (%s): %s%n",
              tier + 1,
              view.availability().tiers().get(tier).stream()
                  .map(AgentState::wireName)
                  .sorted()
                  .collect(Collectors.joining(",")),
              members(tier, null).isEmpty() ? "-" : String.join(", ", members(tier, null))));
    }
    List<String> unroutable = new ArrayList<>();
    view.agents().stream()
        .filter(agent -> !view.isAvailable(agent.id()))
        .sorted((a, b) -> a.id().compareTo(b.id()))
        .forEach(
            agent -> unroutable.add(agent.id().value() + " (" + agent.state().wireName() + ")"));
    if (!unroutable.isEmpty()) {
      out.append("  not routable: ").append(String.join(", ", unroutable)).append('\n');
    }
    if (!suspects.isEmpty()) {
      List<String> suspected = new ArrayList<>();
      suspects.forEach((id, why) -> suspected.add(id.value() + " (" + why + ")"));
      out.append("  suspected dead by the broker, chosen only when no healthy agent can be: ")
          .append(String.join(", ", suspected))
          .append('\n');
    }
    out.append(
        String.format(
            Locale.ROOT,
            "Random draws are seeded with %d (--seed), so this output is repeatable; a running"
                + " broker draws differently.%n",
            seed));
    for (String policyName : RoutingPolicies.names()) {
      out.append('\n').append(policyName).append('\n');
      explain(policyName, out);
    }
    return out.toString();
  }

  private void explain(String policyName, StringBuilder out) {
    OutstandingWork work = new OutstandingWork(Clock.fixed(AT, ZoneOffset.UTC), Duration.ofDays(1));
    outstanding.forEach(
        (id, count) -> {
          for (int i = 0; i < count; i++) {
            work.routedTo(id);
          }
        });
    RoutingPolicy policy = RoutingPolicies.create(policyName, work, new Random(seed), false);
    MessageRouter router = new MessageRouter(policy, true);
    RoutingDecision decision = router.decide(message, healthy);
    if (!(decision instanceof RoutingDecision.Deliver) && healthy != view) {
      RoutingDecision any = router.decide(message, view);
      if (any instanceof RoutingDecision.Deliver deliver) {
        decision =
            new RoutingDecision.Deliver(
                deliver.agent(),
                deliver.explicitReceiver(),
                "no healthy agent available; taking suspected agent "
                    + deliver.agent().id()
                    + " ("
                    + suspects.get(deliver.agent().id())
                    + ")");
      }
    }
    out.append("  decision: ").append(describe(decision)).append('\n');
    if (decision instanceof RoutingDecision.Deliver deliver && !deliver.explicitReceiver()) {
      out.append("  why: ").append(why(policyName, deliver.agent())).append('\n');
    }
    if (decision instanceof RoutingDecision.Park) {
      out.append("  after --park-timeout with no change: ")
          .append(describe(router.decideFinally(message, view)))
          .append('\n');
    }
  }

  private String describe(RoutingDecision decision) {
    if (decision instanceof RoutingDecision.Deliver deliver) {
      return "deliver to "
          + label(deliver.agent())
          + (deliver.explicitReceiver()
              ? ", body unchanged but routing_status"
              : ", receiver_id set to it")
          + " ("
          + deliver.reason()
          + ")";
    } else if (decision instanceof RoutingDecision.Reject reject) {
      return "answer the sender with an ERROR: \""
          + reject.errorDetails()
          + "\" ("
          + reject.reason()
          + ")";
    } else if (decision instanceof RoutingDecision.Park park) {
      return "park: hold the message unacknowledged until an agent can take it ("
          + park.reason()
          + ")";
    } else if (decision instanceof RoutingDecision.DeadLetter deadLetter) {
      return "dead-letter with reason "
          + deadLetter.code().code()
          + " ("
          + deadLetter.reason()
          + ")";
    } else if (decision instanceof RoutingDecision.ForwardError forward) {
      return "forward to the server unchanged (" + forward.reason() + ")";
    } else {
      return "absorb (" + decision.reason() + ")";
    }
  }

  private String why(String policyName, Agent chosen) {
    AgentId sender = senderId();
    int tier = firstTierWithCandidates(sender);
    List<String> candidates = tier < 0 ? List.of() : members(tier, sender);
    String tierText = "tier " + (tier + 1) + " (" + String.join(", ", candidates) + ")";
    switch (policyName) {
      case "sticky":
        {
          String key = message.affinityKey().orElse(null);
          if (key == null) {
            return "no conversation key (_client_id or sender_id), so least-loaded chose among "
                + tierText;
          }
          Agent owner = healthy.ring().owner(key, sender);
          if (owner != null && owner.id().equals(chosen.id())) {
            return "conversation key '"
                + key
                + "' belongs to "
                + chosen.id().value()
                + " on the consistent-hash ring of available agents (it is in tier "
                + (healthy.tierOf(chosen.id()) + 1)
                + "), so every broker replica sends this conversation there";
          }
          return "conversation key '"
              + key
              + "' belongs to "
              + (owner == null
                  ? "nobody"
                  : label(owner) + ", tier " + (healthy.tierOf(owner.id()) + 1))
              + " on the hash ring, a less preferred tier, so the less loaded of two seeded draws"
              + " from "
              + tierText
              + " was taken (--wait-for-sticky-agent would park instead)";
        }
      case "random":
        return "seeded uniform draw among "
            + tierText
            + ", the best tier with agents other than the sender";
      case "round-robin":
        return "a fresh rotation starts with the first of "
            + tierText
            + " in id order; a running broker continues its own rotation";
      case "least-loaded":
        return "the less loaded of two seeded draws from "
            + tierText
            + "; outstanding messages: "
            + candidatesLoad(tier, sender);
      default:
        return "chosen by " + policyName;
    }
  }

  private String candidatesLoad(int tier, @Nullable AgentId sender) {
    List<String> loads = new ArrayList<>();
    for (int i = 0; tier >= 0 && i < healthy.tierSize(tier); i++) {
      Agent agent = healthy.member(tier, i);
      if (!agent.id().equals(sender)) {
        loads.add(agent.id().value() + " " + outstanding.getOrDefault(agent.id(), 0));
      }
    }
    return String.join(", ", loads);
  }

  private @Nullable AgentId senderId() {
    String sender = message.senderId();
    return sender == null || sender.isBlank() ? null : AgentId.of(sender);
  }

  private int firstTierWithCandidates(@Nullable AgentId sender) {
    for (int tier = 0; tier < healthy.tierCount(); tier++) {
      if (!members(tier, sender).isEmpty()) {
        return tier;
      }
    }
    return -1;
  }

  private List<String> members(int tier, @Nullable AgentId excluded) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < healthy.tierSize(tier); i++) {
      Agent agent = healthy.member(tier, i);
      if (!agent.id().equals(excluded)) {
        ids.add(agent.id().value());
      }
    }
    return ids;
  }

  private static String label(Agent agent) {
    return agent.name().isBlank() || agent.name().equals(agent.id().value())
        ? agent.id().value()
        : agent.id().value() + " (" + agent.name() + ")";
  }

  private static String orDash(@Nullable String value) {
    return value == null ? "-" : value;
  }
}
