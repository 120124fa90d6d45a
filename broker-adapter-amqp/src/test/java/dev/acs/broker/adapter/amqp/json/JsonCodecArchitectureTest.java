package dev.acs.broker.adapter.amqp.json;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The JSON codec is for any transport: it lives in the AMQP adapter's module but must not know
 * AMQP, and only its small API is public.
 */
@AnalyzeClasses(
    packages = "dev.acs.broker.adapter.amqp",
    importOptions = ImportOption.DoNotIncludeTests.class)
class JsonCodecArchitectureTest {

  private static final String JSON = "dev.acs.broker.adapter.amqp.json..";

  @ArchTest
  static final ArchRule the_json_codec_knows_nothing_but_the_core_jackson_and_the_jdk =
      classes()
          .that()
          .resideInAPackage(JSON)
          .should()
          .onlyDependOnClassesThat()
          .resideInAnyPackage(
              JSON,
              "dev.acs.broker.core..",
              "com.fasterxml.jackson..",
              "java..",
              "org.jspecify.annotations..");

  @ArchTest
  static final ArchRule the_public_api_is_the_codec_its_result_and_its_exception =
      classes()
          .that()
          .resideInAPackage(JSON)
          .and()
          .arePublic()
          .should()
          .haveSimpleName("JsonMessageCodec")
          .orShould()
          .haveSimpleName("DecodedMessage")
          .orShould()
          .haveSimpleName("MalformedMessageException");
}
