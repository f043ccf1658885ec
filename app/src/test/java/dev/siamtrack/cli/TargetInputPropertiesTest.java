package dev.siamtrack.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.siamtrack.testing.UserText;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Any {@code --init} value and any {@code --targets} file: a target plan, or a UserException, which the command
 * line prints as one line and exit code 2. Nothing else may escape to the user.
 */
class TargetInputPropertiesTest {

    @Provide
    Arbitrary<List<String>> inits() {
        Arbitrary<String> id = Arbitraries.of("", "ball", "a b", "1", "x=y", "é", "-", "ball.2");
        Arbitrary<String> init = Arbitraries.oneOf(UserText.boxLike(),
                net.jqwik.api.Combinators.combine(id, UserText.boxLike()).as((i, b) -> i + "=" + b));
        return init.list().ofMinSize(1).ofMaxSize(3);
    }

    @Provide
    Arbitrary<List<String>> targetsFile() {
        Arbitrary<String> row = Arbitraries.oneOf(UserText.csvLine(0, 8), UserText.csvLine(6, 6),
                Arbitraries.of("id,frame,x,y,w,h", "# comment", "", "ball,0,10,10,20,20", "ball,150,1e3,2,3,4"),
                Arbitraries.strings().all().ofMaxLength(20));
        return row.list().ofMaxSize(6);
    }

    @Property(tries = 500)
    void initValuesGiveAPlanOrAUserError(@ForAll("inits") List<String> inits) {
        try {
            TargetPlan.parse(inits, null);
        } catch (UserException e) {
            assertOneLineStartingWith("--init ", e);
        }
    }

    @Property(tries = 300)
    void targetsFilesGiveAPlanOrAUserError(@ForAll("targetsFile") List<String> lines) throws IOException {
        Path file = Files.createTempFile("targets", ".csv");
        try {
            Files.write(file, String.join("\n", lines).getBytes(StandardCharsets.UTF_8));
            TargetPlan plan = TargetPlan.parse(List.of(), file);
            assertFalse(plan.isEmpty(), "a plan read from a file holds a target");
        } catch (UserException e) {
            assertTrue(e.getMessage().contains(file.toString()), "the error names the file: " + e.getMessage());
            assertOneLineStartingWith("", e);
        } finally {
            Files.delete(file);
        }
    }

    private static void assertOneLineStartingWith(String start, UserException e) {
        String shown = SiamTrackCli.oneLine(e);
        assertTrue(shown.startsWith(start) && !shown.isBlank(), shown);
        assertFalse(shown.contains("\n") || shown.contains("\r"), "one line: " + shown);
    }
}
