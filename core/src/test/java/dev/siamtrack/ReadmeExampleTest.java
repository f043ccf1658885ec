package dev.siamtrack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.siamtrack.geom.Box;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's "Use it as a library" example compiles against the core and tracks the demo clip. */
class ReadmeExampleTest {

    private static final String MARKER = "<!-- library-example:";
    private static final Pattern CODE = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL);
    private static final Pattern CLASS = Pattern.compile("public class (\\w+)");
    private static final Pattern LINE = Pattern.compile("(\\d+) (\\S+) ([-\\d.]+,[-\\d.]+,[-\\d.]+,[-\\d.]+) (\\w+)");

    @TempDir
    Path tmp;

    @Test
    void libraryExampleCompilesAndTracksTheDemoClip() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        int marker = readme.indexOf(MARKER);
        assertTrue(marker >= 0, "README.md has the library example marker");
        Matcher code = CODE.matcher(readme);
        assertTrue(code.find(marker), "a java block follows the marker");
        String source = code.group(1);
        Matcher name = CLASS.matcher(source);
        assertTrue(name.find(), "the example declares a public class");
        Path file = tmp.resolve(name.group(1) + ".java");
        Files.writeString(file, source);

        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        int rc = javac.run(null, diagnostics, diagnostics, "-cp", classpath, "-d", tmp.toString(), file.toString());
        assertEquals(0, rc, "the example compiles: " + diagnostics.toString(StandardCharsets.UTF_8));

        String output = runMain(name.group(1));
        List<Box> truth = Files.readAllLines(Path.of("videos/demo.txt")).stream().filter(l -> !l.isBlank())
                .map(Box::parse).toList();
        Map<String, Integer> linesPerTarget = new HashMap<>();
        int visible = 0;
        int found = 0;
        for (String line : output.split("\n")) {
            Matcher m = LINE.matcher(line.trim());
            assertTrue(m.matches(), "example output line: " + line);
            int frame = Integer.parseInt(m.group(1));
            Box box = Box.parse(m.group(3));
            linesPerTarget.merge(m.group(2), 1, Integer::sum);
            assertTrue(box.x() + box.w() > 0 && box.y() + box.h() > 0 && box.x() < 640 && box.y() < 480,
                    "box inside the 640x480 frame: " + line);
            if (m.group(2).equals("disc") && !truth.get(frame).isAbsent()) {
                visible++;
                found += box.iou(truth.get(frame)) > 0.5 ? 1 : 0;
            }
        }
        assertEquals(Map.of("disc", 299, "look-alike", 299), linesPerTarget, "one line per target and frame");
        assertTrue(found >= 0.8 * visible, "disc found (IoU > 0.5) on " + found + " of " + visible + " visible frames");
    }

    /** Runs the compiled example's main with System.out captured. */
    private String runMain(String className) throws Exception {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.out;
        try (URLClassLoader loader = new URLClassLoader(new URL[] {tmp.toUri().toURL()}, getClass().getClassLoader());
             PrintStream capture = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
            Method main = loader.loadClass(className).getMethod("main", String[].class);
            System.setOut(capture);
            main.invoke(null, (Object) new String[0]);
        } finally {
            System.setOut(original);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }
}
