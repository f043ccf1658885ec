package dev.siamtrack.testing;

import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;

/**
 * Prints every skipped test with its reason on the console (Surefire only counts them): tests whose assumption
 * failed, disabled ones, and dynamic tests and properties alike. The JUnit launcher loads it through
 * META-INF/services, for every module whose tests use core's test jar.
 */
public final class SkipReasons implements TestExecutionListener {

    @Override
    public void executionSkipped(TestIdentifier test, String reason) {
        System.out.println("SKIPPED " + name(test) + ": " + reason);
    }

    @Override
    public void executionFinished(TestIdentifier test, TestExecutionResult result) {
        if (result.getStatus() == TestExecutionResult.Status.ABORTED) {
            System.out.println("SKIPPED " + name(test) + ": " + result.getThrowable().map(Throwable::getMessage).orElse("aborted"));
        }
    }

    /** The test's class (its simple name, from the unique id) and its name in the report. */
    private static String name(TestIdentifier test) {
        String className = test.getUniqueIdObject().getSegments().stream().filter(s -> s.getType().equals("class"))
                .map(s -> s.getValue().substring(s.getValue().lastIndexOf('.') + 1)).findFirst().orElse("");
        return className + "." + test.getLegacyReportingName();
    }
}
