package dev.siamtrack.geom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.siamtrack.testing.SeededProperty;
import dev.siamtrack.testing.UserText;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Box parsing and the checks applied to boxes users give: any text ends in a box or an IllegalArgumentException. */
class BoxPropertiesTest {

    private static final int TRIES = 500;

    private record BoxInFrame(Box box, int width, int height) {
    }

    private record TwoBoxes(Box a, Box b) {
    }

    private static Box anyBox(Random random) {
        return new Box(UserText.boxValue(random), UserText.boxValue(random), UserText.boxValue(random), UserText.boxValue(random));
    }

    private static BoxInFrame anyBoxInFrame(Random random) {
        return new BoxInFrame(anyBox(random), UserText.intBetween(random, 1, 4000), UserText.intBetween(random, 1, 4000));
    }

    @Test
    void parseGivesABoxOfFourNumbersOrSaysWhy() {
        SeededProperty.forAll(101, TRIES, UserText::boxLike, text -> {
            try {
                Box box = Box.parse(text);
                // a parsed box prints back to the same numbers (to the 2 decimals of the CSV form)
                assertEquals(box.toCsv(), Box.parse(box.toCsv()).toCsv(), text);
            } catch (IllegalArgumentException e) {
                assertTrue(e.getMessage() != null && !e.getMessage().isBlank(), "says why: " + text);
            }
        });
    }

    @Test
    void aBoxThatPassesCheckInsideLiesInTheFrame() {
        SeededProperty.forAll(102, TRIES, BoxPropertiesTest::anyBoxInFrame, in -> {
            Box box = in.box();
            int width = in.width();
            int height = in.height();
            try {
                box.checkInside(width, height);
            } catch (IllegalArgumentException e) {
                assertTrue(e.getMessage().startsWith(box.toString()), e.getMessage());
                return;
            }
            assertTrue(box.w() > 0 && box.h() > 0 && box.x() >= 0 && box.y() >= 0
                    && box.x() + box.w() <= width && box.y() + box.h() <= height, box + " in " + width + "x" + height);
            Box clipped = box.clip(width, height);
            double tolerance = 1e-9 * Math.max(width, height);
            assertTrue(Math.abs(clipped.x() - box.x()) <= tolerance && Math.abs(clipped.y() - box.y()) <= tolerance
                    && Math.abs(clipped.w() - box.w()) <= tolerance && Math.abs(clipped.h() - box.h()) <= tolerance,
                    "clipping a box inside the frame changes nothing: " + box + " -> " + clipped);
        });
    }

    @Test
    void iouIsSymmetricAndAFractionOrMinusOneForAnAbsentBox() {
        SeededProperty.forAll(103, TRIES, r -> new TwoBoxes(anyBox(r), anyBox(r)), in -> {
            Box a = in.a();
            Box b = in.b();
            double ab = a.iou(b);
            assertEquals(ab, b.iou(a), 1e-12, a + " vs " + b);
            if (a.isAbsent() || b.isAbsent()) {
                assertEquals(-1, ab, a + " vs " + b);
            } else if (Double.isFinite(a.area() + b.area())) {
                assertTrue(ab >= 0 && ab <= 1 + 1e-12, a + " vs " + b + ": " + ab);
            }
        });
    }

    @Test
    void clipStaysInTheFrame() {
        SeededProperty.forAll(104, TRIES, BoxPropertiesTest::anyBoxInFrame, in -> {
            Box box = in.box();
            Box c = box.clip(in.width(), in.height());
            if (!box.isAbsent() && Double.isFinite(box.x() + box.y() + box.w() + box.h())) {
                assertTrue(c.x() >= 0 && c.y() >= 0 && c.x() + c.w() <= in.width() && c.y() + c.h() <= in.height(),
                        box + " -> " + c);
            }
        });
    }
}
