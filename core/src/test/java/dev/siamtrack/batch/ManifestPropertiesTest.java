package dev.siamtrack.batch;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.siamtrack.testing.SeededProperty;
import dev.siamtrack.testing.UserText;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Any manifest file reads as videos plus per-row problems, or one ManifestException; nothing else escapes. */
class ManifestPropertiesTest {

    private static List<String> manifestLines(Random random) {
        if (random.nextBoolean()) {
            return UserText.listOf(random, 0, 5, ManifestPropertiesTest::row);
        }
        List<String> lines = new ArrayList<>();
        lines.add(UserText.pick(random, Manifest.HEADER, "\uFEFF" + Manifest.HEADER, "VIDEO, id, frame, x, y, w, h",
                "video,id,frame,x,y,w", ""));
        lines.addAll(UserText.listOf(random, 0, 8, ManifestPropertiesTest::row));
        return lines;
    }

    private static String row(Random random) {
        return switch (random.nextInt(4)) {
            case 0 -> UserText.csvLine(random, 0, 9);
            case 1 -> UserText.csvLine(random, 7, 7);
            // a row valid but for the video path tests what is done with the path itself
            case 2 -> (random.nextBoolean() ? UserText.textOf(random, "ab./ é\u0000", 1, 8)
                    : UserText.pick(random, "/", ".", "..", "./", "a/..", "/..", "../..")) + ",a,0,1,2,3,4";
            default -> UserText.anyText(random, 30);
        };
    }

    @Test
    void readGivesVideosAndProblemsOrOneLineError() {
        SeededProperty.forAll(201, 300, ManifestPropertiesTest::manifestLines, lines -> {
            Path file = Files.createTempFile("manifest", ".csv");
            try {
                Files.write(file, String.join("\n", lines).getBytes(StandardCharsets.UTF_8));
                Manifest m = Manifest.read(file);
                for (VideoTask video : m.videos()) {
                    for (TargetSpec t : video.targets()) {
                        assertTrue(t.frame() >= 0 && t.w() > 0 && t.h() > 0 && Double.isFinite(t.x() + t.y() + t.w() + t.h()),
                                "accepted rows hold a usable target: " + t);
                    }
                }
                for (Manifest.Problem p : m.problems()) {
                    assertFalse(p.reason().isBlank(), "a problem says why: " + p);
                }
            } catch (ManifestException e) {
                assertTrue(e.getMessage().startsWith(file.toString()), "the error names the file: " + e.getMessage());
            } finally {
                Files.delete(file);
            }
        });
    }
}
