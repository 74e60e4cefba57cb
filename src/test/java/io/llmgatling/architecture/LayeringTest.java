package io.llmgatling.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** What may import what (README "Layout"), checked on the compiled main classes. */
class LayeringTest {

  private static final JavaClasses MAIN = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("io.llmgatling");

  @Test
  void should_keep_the_dsl_on_the_engine_and_the_harness() {
    noClasses().that().resideInAPackage("io.llmgatling.javaapi..")
        .should().dependOnClassesThat().resideInAnyPackage("io.llmgatling.simulator..", "io.llmgatling.run..",
            "io.llmgatling.report..", "io.llmgatling.capacity..", "io.llmgatling.workload..", "io.llmgatling.cli..")
        .check(MAIN);
  }

  @Test
  void should_keep_gatling_out_of_the_engine_but_its_adapter() {
    noClasses().that().resideInAPackage("io.llmgatling.engine..")
        .and().resideOutsideOfPackage("io.llmgatling.engine.gatling..")
        .should().dependOnClassesThat().resideInAPackage("io.gatling..")
        .check(MAIN);
  }

  @Test
  void should_keep_the_simulator_apart_from_the_client_side() {
    noClasses().that().resideInAPackage("io.llmgatling.simulator..")
        .should().dependOnClassesThat().resideInAnyPackage("io.llmgatling.engine..", "io.llmgatling.javaapi..",
            "io.llmgatling.harness..", "io.llmgatling.run..", "io.llmgatling.report..")
        .check(MAIN);
  }

  @Test
  void should_keep_the_report_and_the_capacity_model_off_the_client() {
    noClasses().that().resideInAnyPackage("io.llmgatling.report..", "io.llmgatling.capacity..")
        .should().dependOnClassesThat().resideInAPackage("io.llmgatling.engine.client..")
        .check(MAIN);
  }

  @Test
  void should_keep_the_json_holder_neutral() {
    noClasses().that().resideInAPackage("io.llmgatling.json..")
        .should().dependOnClassesThat().resideOutsideOfPackages("io.llmgatling.json..", "java..",
            "com.fasterxml.jackson..")
        .check(MAIN);
  }

  @Test
  void should_keep_the_workload_off_the_run_the_harness_and_the_simulator() {
    noClasses().that().resideInAPackage("io.llmgatling.workload..")
        .should().dependOnClassesThat().resideInAnyPackage("io.llmgatling.harness..", "io.llmgatling.run..",
            "io.llmgatling.report..", "io.llmgatling.javaapi..", "io.llmgatling.simulator..",
            "io.llmgatling.engine.client..", "io.llmgatling.engine.gatling..")
        .check(MAIN);
  }

  @Test
  void should_have_no_cycle_between_top_level_packages() {
    slices().matching("io.llmgatling.(*)..").should().beFreeOfCycles().check(MAIN);
  }
}
