package dev.acs.broker.app.architecture;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.simpleName;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The launcher ({@code broker-app}) packaged by product: the command line on top; the broker's run
 * path ({@code run}, {@code wiring}, {@code lifecycle}, {@code logging}, {@code admin}, {@code
 * metrics}, {@code config}); the operator tools ({@code inspect}); and the sandbox ({@code demo},
 * {@code simulate}) that nothing on the run path may reach. See {@code docs/architecture.md}.
 */
@AnalyzeClasses(
    packages = "dev.acs.broker.app",
    importOptions = ImportOption.DoNotIncludeTests.class)
class LauncherArchitectureTest {

  private static final String CLI = "dev.acs.broker.app.cli..";
  private static final String SANDBOX = "dev.acs.broker.app.sandbox..";
  private static final String DEMO = "dev.acs.broker.app.sandbox.demo..";

  @ArchTest
  static final ArchRule the_launchers_packages_import_each_other_in_no_circle =
      slices().matching("dev.acs.broker.app.(*)..").should().beFreeOfCycles();

  @ArchTest
  static final ArchRule the_sandbox_packages_import_each_other_in_no_circle =
      slices().matching("dev.acs.broker.app.sandbox.(*)..").should().beFreeOfCycles();

  /** The entry point sits on top: nothing it starts knows it. */
  @ArchTest
  static final ArchRule only_the_command_line_depends_on_the_command_line =
      noClasses()
          .that()
          .resideOutsideOfPackage(CLI)
          .should()
          .dependOnClassesThat()
          .resideInAPackage(CLI);

  /** {@code broker run}, and everything it wires, never loads the demo's or simulator's code. */
  @ArchTest
  static final ArchRule the_broker_run_path_never_reaches_the_sandbox =
      noClasses()
          .that()
          .resideInAnyPackage(
              "dev.acs.broker.app.run..",
              "dev.acs.broker.app.wiring..",
              "dev.acs.broker.app.lifecycle..",
              "dev.acs.broker.app.config..",
              "dev.acs.broker.app.logging..",
              "dev.acs.broker.app.admin..",
              "dev.acs.broker.app.metrics..",
              "dev.acs.broker.app.inspect..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage(SANDBOX);

  /** The command line registers the sandbox's two commands and touches nothing else of it. */
  @ArchTest
  static final ArchRule the_command_line_knows_only_the_sandbox_commands =
      noClasses()
          .that()
          .resideInAPackage(CLI)
          .should()
          .dependOnClassesThat(
              resideInAPackage(SANDBOX)
                  .and(not(simpleName("DemoCommand")))
                  .and(not(simpleName("SimulateCommand"))));

  /** Issue #9: the embedded AMQP broker (Qpid) is only on the demo's path. */
  @ArchTest
  static final ArchRule only_the_demo_touches_the_embedded_broker =
      noClasses()
          .that()
          .resideOutsideOfPackage(DEMO)
          .should()
          .dependOnClassesThat()
          .resideInAPackage("org.apache.qpid..");

  /** The simulator serves the broker too ({@code broker simulate}): it never needs the demo. */
  @ArchTest
  static final ArchRule the_simulator_never_reaches_the_demo =
      noClasses()
          .that()
          .resideInAPackage("dev.acs.broker.app.sandbox.simulate..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage(DEMO);
}
