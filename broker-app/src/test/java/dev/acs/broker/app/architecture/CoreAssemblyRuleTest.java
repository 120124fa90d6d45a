package dev.acs.broker.app.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import dev.acs.broker.core.BrokerIdentity;
import dev.acs.broker.core.agent.AgentRegistry;
import dev.acs.broker.core.agent.Availability;
import dev.acs.broker.core.application.BrokerCore;
import dev.acs.broker.core.application.RoutingService;
import dev.acs.broker.core.routing.MessageRouter;
import dev.acs.broker.core.routing.RoundRobinRoutingPolicy;
import dev.acs.broker.core.testing.RecordingOutboundPublisher;
import java.time.Clock;
import org.junit.jupiter.api.Test;

/**
 * Shows that the rule that keeps the assembly in {@code BrokerCore} catches an assembly by hand.
 */
class CoreAssemblyRuleTest {

  @Test
  void aRoutingServiceBuiltByHand_breaksTheRule_andTheBuilderDoesNot() {
    JavaClasses byHand = new ClassFileImporter().importClasses(AssemblesByHand.class);
    JavaClasses throughTheCore =
        new ClassFileImporter().importClasses(AssemblesThroughTheCore.class);

    assertThat(
            HexagonalArchitectureTest.outside_the_core_the_services_come_only_from_broker_core
                .evaluate(byHand)
                .hasViolation())
        .isTrue();
    assertThat(
            HexagonalArchitectureTest.outside_the_core_the_services_come_only_from_broker_core
                .evaluate(throughTheCore)
                .hasViolation())
        .isFalse();
  }

  /** Wires a routing service itself, as {@code CoreModule} did before issue 15. */
  static final class AssemblesByHand {
    RoutingService routing() {
      return RoutingService.builder(
              new BrokerIdentity("broker_1", "B"),
              new AgentRegistry(Availability.preferIdle(), Clock.systemUTC()),
              new MessageRouter(new RoundRobinRoutingPolicy()),
              RecordingOutboundPublisher.confirming())
          .build();
    }
  }

  /** Takes the routing service from the core. */
  static final class AssemblesThroughTheCore {
    RoutingService routing(BrokerCore core) {
      return core.routing();
    }
  }
}
