package io.inceptionstream.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The layers of the main code, as a build failure rather than a wish: every package has a rank, and
 * a class may depend only on packages of a lower rank (its own package aside). Data flows ingest →
 * batching → inference → publish, wired by pipeline; cli and bench sit on top.
 */
class LayersTest {

  static final String ROOT = "io.inceptionstream";

  private static final JavaClasses MAIN =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
          .importPackages(ROOT);

  /**
   * Package → layer, lowest first. Rank 0 are leaves that import no other package of ours; each
   * higher rank may use only those below it. A new package must be placed here.
   */
  static final Map<String, Integer> RANK =
      Map.ofEntries(
          Map.entry("lifecycle", 0),
          Map.entry("model", 0),
          Map.entry("image", 0),
          Map.entry("avro", 0),
          Map.entry("config", 0),
          Map.entry("metrics", 0),
          Map.entry("broker", 0),
          Map.entry("inference", 1),
          Map.entry("batching", 1),
          Map.entry("ingest", 1),
          Map.entry("client", 1),
          Map.entry("publish", 2),
          Map.entry("train", 2),
          Map.entry("pipeline", 3),
          Map.entry("bench", 4),
          Map.entry("cli", 5));

  private static final ArchRule noCyclesBetweenPackages =
      slices().matching(ROOT + ".(*)..").should().beFreeOfCycles();

  private static final ArchRule everyPackageHasALayer =
      classes()
          .that()
          .resideInAPackage(ROOT + "..")
          .should(
              new ArchCondition<>("reside in a package that has a layer in LayersTest.RANK") {
                @Override
                public void check(JavaClass c, ConditionEvents events) {
                  String p = topPackage(c);
                  if (p == null || !RANK.containsKey(p)) {
                    events.add(
                        SimpleConditionEvent.violated(
                            c, c.getName() + " is in a package without a layer: " + p));
                  }
                }
              });

  private static final ArchRule noPackageImportsALayerAboveIt =
      classes()
          .that()
          .resideInAPackage(ROOT + "..")
          .should(
              new ArchCondition<>("depend only on packages of a lower layer") {
                @Override
                public void check(JavaClass c, ConditionEvents events) {
                  String from = topPackage(c);
                  Integer fromRank = from == null ? null : RANK.get(from);
                  if (fromRank == null) {
                    return;
                  }
                  for (Dependency d : c.getDirectDependenciesFromSelf()) {
                    String to = topPackage(d.getTargetClass());
                    Integer toRank = to == null ? null : RANK.get(to);
                    if (toRank != null && !to.equals(from) && toRank >= fromRank) {
                      events.add(
                          SimpleConditionEvent.violated(
                              d,
                              from
                                  + " (layer "
                                  + fromRank
                                  + ") must not depend on "
                                  + to
                                  + " (layer "
                                  + toRank
                                  + "): "
                                  + d.getDescription()));
                    }
                  }
                }
              });

  private static final ArchRule engineTypesStayInsideTheModelLayers =
      noClasses()
          .that()
          .resideOutsideOfPackages(ROOT + ".model..", ROOT + ".inference..", ROOT + ".train..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("ai.djl..");

  private static final ArchRule kafkaTypesStayAtTheEdges =
      noClasses()
          .that()
          .resideInAPackage(ROOT + "..")
          .and()
          .resideOutsideOfPackages(
              ROOT + ".ingest..",
              ROOT + ".publish..",
              ROOT + ".broker..",
              ROOT + ".client..",
              ROOT + ".bench..",
              ROOT + ".cli..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("org.apache.kafka..");

  @Test
  void packagesHaveNoCycles() {
    noCyclesBetweenPackages.check(MAIN);
  }

  @Test
  void everyPackageIsPlacedInALayer() {
    everyPackageHasALayer.check(MAIN);
  }

  @Test
  void noPackageDependsOnALayerAboveIt() {
    noPackageImportsALayerAboveIt.check(MAIN);
  }

  @Test
  void onlyTheModelLayersUseEngineTypes() {
    engineTypesStayInsideTheModelLayers.check(MAIN);
  }

  @Test
  void onlyTheEdgesUseKafkaTypes() {
    kafkaTypesStayAtTheEdges.check(MAIN);
  }

  @Test
  void theImportSeesTheWholeMainCode() {
    // A rule over an empty import passes vacuously: make sure the classes are there.
    org.junit.jupiter.api.Assertions.assertTrue(
        MAIN.contain(ROOT + ".pipeline.Worker") && MAIN.contain(ROOT + ".cli.Main"),
        "the architecture rules see no main classes");
  }

  @Test
  void everyPackageSaysWhetherItIsPublicApiOrInternal() throws java.io.IOException {
    java.nio.file.Path root = java.nio.file.Path.of("src/main/java/io/inceptionstream");
    for (String p : RANK.keySet()) {
      java.nio.file.Path info = root.resolve(p).resolve("package-info.java");
      org.junit.jupiter.api.Assertions.assertTrue(
          java.nio.file.Files.exists(info), p + " has no package-info.java");
      String text = java.nio.file.Files.readString(info);
      org.junit.jupiter.api.Assertions.assertTrue(
          text.contains("Public API") || text.contains("Internal"),
          p + "/package-info.java must say whether the package is Public API or Internal");
    }
  }

  /** {@code model} for {@code io.inceptionstream.model.Tap}, or null outside the root. */
  static String topPackage(JavaClass c) {
    String p = c.getPackageName();
    if (!p.startsWith(ROOT + ".")) {
      return null;
    }
    String rest = p.substring(ROOT.length() + 1);
    int dot = rest.indexOf('.');
    return dot < 0 ? rest : rest.substring(0, dot);
  }
}
