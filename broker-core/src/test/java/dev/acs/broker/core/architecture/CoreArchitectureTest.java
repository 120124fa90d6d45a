package dev.acs.broker.core.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * Rules about the core's own production classes, checked in its own build. Rules that need every
 * module in view (no production class uses the core's fakes, adapters keep apart) are in
 * broker-app's {@code HexagonalArchitectureTest}.
 */
@AnalyzeClasses(
    packages = "dev.acs.broker.core",
    importOptions = ImportOption.DoNotIncludeTests.class)
class CoreArchitectureTest {

  @ArchTest
  static final ArchRule core_depends_on_nothing_but_the_jdk_and_jspecify =
      classes()
          .that()
          .resideInAPackage("dev.acs.broker.core..")
          .should()
          .onlyDependOnClassesThat()
          .resideInAnyPackage("dev.acs.broker.core..", "java..", "org.jspecify.annotations..");

  @ArchTest
  static final ArchRule the_domain_does_not_know_the_ports_or_the_application =
      noClasses()
          .that()
          .resideInAnyPackage(
              "dev.acs.broker.core.agent..",
              "dev.acs.broker.core.message..",
              "dev.acs.broker.core.routing..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "dev.acs.broker.core.port..",
              "dev.acs.broker.core.application..",
              "dev.acs.broker.core.testing..");

  @ArchTest
  static final ArchRule one_method_ports_are_functional_interfaces =
      classes()
          .that()
          .resideInAPackage("dev.acs.broker.core.port..")
          .and()
          .haveSimpleNameNotEndingWith("Listener")
          .and()
          .areInterfaces()
          .and(
              new com.tngtech.archunit.base.DescribedPredicate<
                  com.tngtech.archunit.core.domain.JavaClass>(
                  "declare exactly one abstract method") {
                @Override
                public boolean test(com.tngtech.archunit.core.domain.JavaClass javaClass) {
                  return javaClass.getMethods().stream()
                          .filter(
                              m ->
                                  m.getModifiers()
                                      .contains(
                                          com.tngtech.archunit.core.domain.JavaModifier.ABSTRACT))
                          .count()
                      == 1;
                }
              })
          .should()
          .beAnnotatedWith(FunctionalInterface.class);
}
