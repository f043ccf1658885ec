package dev.siamtrack.batch;

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

/** Any manifest file reads as videos plus per-row problems, or one ManifestException; nothing else escapes. */
class ManifestPropertiesTest {

    @Provide
    Arbitrary<List<String>> manifestLines() {
        Arbitrary<String> header = Arbitraries.of(Manifest.HEADER, "\uFEFF" + Manifest.HEADER, "VIDEO, id, frame, x, y, w, h",
                "video,id,frame,x,y,w", "");
        // rows valid but for the video path test what is done with the path itself
        Arbitrary<String> validButTheVideo = Arbitraries.oneOf(Arbitraries.strings().withChars("ab./ é\u0000").ofMinLength(1).ofMaxLength(8),
                Arbitraries.of("/", ".", "..", "./", "a/..", "/..", "../..")).map(v -> v + ",a,0,1,2,3,4");
        Arbitrary<String> row = Arbitraries.oneOf(UserText.csvLine(0, 9), UserText.csvLine(7, 7), validButTheVideo,
                Arbitraries.strings().all().ofMaxLength(30));
        return Arbitraries.oneOf(header.flatMap(h -> row.list().ofMaxSize(8).map(rows -> prepend(h, rows))),
                row.list().ofMaxSize(5));
    }

    @Property(tries = 300)
    void readGivesVideosAndProblemsOrOneLineError(@ForAll("manifestLines") List<String> lines) throws IOException {
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
    }

    private static List<String> prepend(String first, List<String> rest) {
        List<String> all = new java.util.ArrayList<>();
        all.add(first);
        all.addAll(rest);
        return all;
    }
}
