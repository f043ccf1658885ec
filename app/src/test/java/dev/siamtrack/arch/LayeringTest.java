package dev.siamtrack.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.GeneralCodingRules;

/** The layering README's "Layout" promises, checked on the compiled classes of core, server and app. */
@AnalyzeClasses(packages = "dev.siamtrack",
        importOptions = {ImportOption.DoNotIncludeTests.class, LayeringTest.DoNotIncludeTestJars.class})
class LayeringTest {

    /**
     * In a packaged build (mvn verify) core's test classes reach app's tests as core's test jar, which
     * DoNotIncludeTests (it knows test class folders) does not recognise.
     */
    public static final class DoNotIncludeTestJars implements ImportOption {
        @Override
        public boolean includes(Location location) {
            return !location.contains("-tests.jar");
        }
    }

    private static final String[] CORE = {"dev.siamtrack.geom..", "dev.siamtrack.model..", "dev.siamtrack.track..",
        "dev.siamtrack.run..", "dev.siamtrack.video..", "dev.siamtrack.draw..", "dev.siamtrack.io..", "dev.siamtrack.batch.."};
    private static final String[] APP = {"dev.siamtrack.cli..", "dev.siamtrack.render..", "dev.siamtrack.pipeline..",
        "dev.siamtrack.eval..", "dev.siamtrack.bench..", "dev.siamtrack.home..", "dev.siamtrack.trax.."};
    private static final String SERVER = "dev.siamtrack.server..";
    private static final String SPARK = "dev.siamtrack.spark..";

    @ArchTest
    static final ArchRule everyPackageBelongsToAModule = classes().that().resideInAPackage("dev.siamtrack..")
            .should().resideInAnyPackage(concat(concat(CORE, APP), SERVER, SPARK))
            .because("the layering rules below name each module's packages; a package outside them would go unchecked");

    @ArchTest
    static final ArchRule coreDependsOnNothingAboveIt = noClasses().that().resideInAnyPackage(CORE)
            .should().dependOnClassesThat().resideInAnyPackage(concat(APP, SERVER, SPARK))
            .because("core is the library: server, app and spark build on it, never the other way");

    @ArchTest
    static final ArchRule serverDependsOnlyOnCore = noClasses().that().resideInAPackage(SERVER)
            .should().dependOnClassesThat().resideInAnyPackage(concat(APP, SPARK))
            .because("the service runs without the command's CLI, viewer and evaluation code");

    @ArchTest
    static final ArchRule corePrintsNothing = noClasses().that().resideInAnyPackage(CORE)
            .should(GeneralCodingRules.ACCESS_STANDARD_STREAMS)
            .because("a library reports through SLF4J and its return values, not the console");

    @ArchTest
    static final ArchRule coreReadsNoSystemProperties = noClasses().that().resideInAnyPackage(CORE)
            .should().callMethod(System.class, "getProperty", String.class)
            .orShould().callMethod(System.class, "getProperty", String.class, String.class)
            .orShould().callMethod(System.class, "getenv", String.class)
            .orShould().callMethod(Boolean.class, "getBoolean", String.class)
            .orShould().callMethod(Integer.class, "getInteger", String.class)
            .orShould().callMethod(Long.class, "getLong", String.class)
            .because("the application passes settings in; the library does not look them up");

    /** Top-level packages with their subpackages: core, server and app (spark is one package and not on app's path). */
    @ArchTest
    static final ArchRule packagesFormNoCycles = slices().matching("dev.siamtrack.(*)..").should().beFreeOfCycles();

    /** Every package on its own, so that a package and its subpackage (track and track.opencv) do not depend both ways. */
    @ArchTest
    static final ArchRule subpackagesFormNoCycles = slices().matching("dev.siamtrack.(**)").should().beFreeOfCycles();

    private static String[] concat(String[] packages, String... more) {
        String[] all = java.util.Arrays.copyOf(packages, packages.length + more.length);
        System.arraycopy(more, 0, all, packages.length, more.length);
        return all;
    }
}
