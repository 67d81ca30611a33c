package org.superres.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layers the build alone cannot see: no import cycle between packages, and the one-way
 * dependencies the architecture relies on. (The engine's freedom from Spark and Hadoop is enforced
 * by its own module's build.)
 */
class LayersTest {
  private static JavaClasses classes;

  @BeforeAll
  static void importMainClasses() {
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.superres");
  }

  @Test
  void noPackageCycles() {
    slices().matching("org.superres.(*)..").should().beFreeOfCycles().check(classes);
  }

  @Test
  void theReportReadsARunsOutcomeAndNeverDrivesTheJob() {
    noClasses()
        .that()
        .resideInAPackage("org.superres.report..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("org.superres.job..", "org.superres.cli..")
        .check(classes);
  }

  @Test
  void onlyTheCommandLineWiresTheRunAndItsReport() {
    noClasses()
        .that()
        .resideInAnyPackage(
            "org.superres.job..", "org.superres.manifest..", "org.superres.output..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("org.superres.report..", "org.superres.cli..")
        .check(classes);
  }

  @Test
  void theEngineKnowsNothingAboveIt() {
    noClasses()
        .that()
        .resideInAnyPackage(
            "org.superres.engine..", "org.superres.eval..", "org.superres.samples..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "org.superres.job..",
            "org.superres.cli..",
            "org.superres.config..",
            "org.superres.model..",
            "org.superres.manifest..",
            "org.superres.output..",
            "org.superres.report..",
            "org.apache.spark..",
            "org.apache.hadoop..")
        .check(classes);
  }
}
