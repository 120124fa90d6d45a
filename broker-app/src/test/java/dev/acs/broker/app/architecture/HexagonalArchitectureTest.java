package dev.acs.broker.app.architecture;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.onionArchitecture;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaCall;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import dev.acs.broker.core.application.AgentStatusFeed;
import dev.acs.broker.core.application.BrokerService;
import dev.acs.broker.core.application.RoutingService;
import dev.acs.broker.core.application.RoutingServiceBuilder;
import dev.acs.broker.core.application.StatusHold;
import java.util.Set;

/**
 * The hexagon of the whole broker, checked over the production classes of every module: the core
 * knows no technology, adapters know the core but not each other, and only the application wires
 * adapters. The launcher's own package rules are in {@link LauncherArchitectureTest}; that the core
 * depends on nothing but the JDK and jspecify is checked in the core's own build, by {@code
 * CoreArchitectureTest}.
 */
@AnalyzeClasses(packages = "dev.acs.broker", importOptions = ImportOption.DoNotIncludeTests.class)
class HexagonalArchitectureTest {

  private static final String CORE = "dev.acs.broker.core..";
  private static final String AMQP = "dev.acs.broker.adapter.amqp..";
  private static final String GRPC = "dev.acs.broker.adapter.grpc..";
  private static final String ADAPTERS = "dev.acs.broker.adapter..";
  private static final String APP = "dev.acs.broker.app..";

  /** The parts that {@code BrokerCore} builds once and wires to each other. */
  private static final Set<String> CORE_SERVICES =
      Set.of(
          RoutingService.class.getName(),
          RoutingServiceBuilder.class.getName(),
          BrokerService.class.getName(),
          AgentStatusFeed.class.getName(),
          StatusHold.class.getName());

  private static final DescribedPredicate<JavaCall<?>> ASSEMBLING_THE_CORE_BY_HAND =
      new DescribedPredicate<>("build the routing or broker service, feed or hold by hand") {
        @Override
        public boolean test(JavaCall<?> call) {
          String owner = call.getTargetOwner().getName();
          String target = call.getName();
          if (!CORE_SERVICES.contains(owner)) {
            return false;
          }
          return target.equals("<init>")
              || target.equals("builder")
              || owner.equals(RoutingServiceBuilder.class.getName())
              || owner.equals(AgentStatusFeed.class.getName())
                  && (target.equals("on") || target.equals("onOwnThread"));
        }
      };

  /**
   * {@code CoreModule} is a call to {@code BrokerCore}: outside the core, production code gets the
   * services from it instead of assembling them, so a wrong assembly cannot be built.
   */
  @ArchTest
  static final ArchRule outside_the_core_the_services_come_only_from_broker_core =
      noClasses()
          .that()
          .resideOutsideOfPackage(CORE)
          .should()
          .callCodeUnitWhere(ASSEMBLING_THE_CORE_BY_HAND);

  @ArchTest
  static final ArchRule no_framework_type_ever_appears_in_the_core =
      noClasses()
          .that()
          .resideInAPackage(CORE)
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "com.google.protobuf..",
              "io.grpc..",
              "com.rabbitmq..",
              "com.fasterxml.jackson..",
              "dagger..",
              "javax.inject..",
              "jakarta.inject..",
              "picocli..",
              "org.slf4j..",
              "ch.qos.logback..",
              "dev.acs.broker.proto..");

  @ArchTest
  static final ArchRule the_amqp_adapter_never_depends_on_the_grpc_adapter =
      noClasses()
          .that()
          .resideInAPackage(AMQP)
          .should()
          .dependOnClassesThat()
          .resideInAPackage(GRPC)
          .allowEmptyShould(true);

  @ArchTest
  static final ArchRule the_grpc_adapter_never_depends_on_the_amqp_adapter =
      noClasses()
          .that()
          .resideInAPackage(GRPC)
          .should()
          .dependOnClassesThat()
          .resideInAPackage(AMQP)
          .allowEmptyShould(true);

  @ArchTest
  static final ArchRule adapters_never_depend_on_the_application =
      noClasses()
          .that()
          .resideInAPackage(ADAPTERS)
          .should()
          .dependOnClassesThat()
          .resideInAPackage(APP)
          .allowEmptyShould(true);

  @ArchTest
  static final ArchRule only_the_application_sees_the_adapters =
      noClasses()
          .that()
          .resideOutsideOfPackages(ADAPTERS, APP)
          .should()
          .dependOnClassesThat()
          .resideInAPackage(ADAPTERS);

  @ArchTest
  static final ArchRule production_code_never_uses_the_core_fakes =
      noClasses()
          .that()
          .resideOutsideOfPackage("dev.acs.broker.core.testing..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("dev.acs.broker.core.testing..");

  @ArchTest
  static final ArchRule the_layers_form_an_onion_with_the_domain_at_its_centre =
      onionArchitecture()
          .domainModels(
              "dev.acs.broker.core",
              "dev.acs.broker.core.agent..",
              "dev.acs.broker.core.message..",
              "dev.acs.broker.core.routing..")
          .applicationServices("dev.acs.broker.core.application..", "dev.acs.broker.core.port..")
          .adapter("amqp", AMQP)
          .adapter("grpc", GRPC)
          .adapter("app", APP)
          // The application is the composition root: wiring adapters is its job.
          .ignoreDependency(resideInAPackage(APP), resideInAnyPackage(AMQP, GRPC))
          // The fakes stand in for adapters in tests and sit outside the onion.
          .ignoreDependency(
              resideInAPackage("dev.acs.broker.core.testing.."), resideInAPackage(CORE))
          .withOptionalLayers(true);
}
