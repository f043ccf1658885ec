package dev.siamtrack.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.siamtrack.testing.SeededProperty;
import dev.siamtrack.testing.UserText;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Any {@code --init} value and any {@code --targets} file: a target plan, or a UserException, which the command
 * line prints as one line and exit code 2. Nothing else may escape to the user.
 */
class TargetInputPropertiesTest {

    private static List<String> inits(Random random) {
        return UserText.listOf(random, 1, 3, r -> r.nextBoolean() ? UserText.boxLike(r)
                : UserText.pick(r, "", "ball", "a b", "1", "x=y", "é", "-", "ball.2") + "=" + UserText.boxLike(r));
    }

    private static List<String> targetsFile(Random random) {
        return UserText.listOf(random, 0, 6, r -> switch (r.nextInt(4)) {
            case 0 -> UserText.csvLine(r, 0, 8);
            case 1 -> UserText.csvLine(r, 6, 6);
            case 2 -> UserText.pick(r, "id,frame,x,y,w,h", "# comment", "", "ball,0,10,10,20,20", "ball,150,1e3,2,3,4");
            default -> UserText.anyText(r, 20);
        });
    }

    @Test
    void initValuesGiveAPlanOrAUserError() {
        SeededProperty.forAll(401, 500, TargetInputPropertiesTest::inits, inits -> {
            try {
                TargetPlan.parse(inits, null);
            } catch (UserException e) {
                assertOneLineStartingWith("--init ", e);
            }
        });
    }

    @Test
    void targetsFilesGiveAPlanOrAUserError() {
        SeededProperty.forAll(402, 300, TargetInputPropertiesTest::targetsFile, lines -> {
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
        });
    }

    private static void assertOneLineStartingWith(String start, UserException e) {
        String shown = SiamTrackCli.oneLine(e);
        assertTrue(shown.startsWith(start) && !shown.isBlank(), shown);
        assertFalse(shown.contains("\n") || shown.contains("\r"), "one line: " + shown);
    }
}
