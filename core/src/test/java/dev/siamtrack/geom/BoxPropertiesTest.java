package dev.siamtrack.geom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.siamtrack.testing.UserText;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** Box parsing and the checks applied to boxes users give: any text ends in a box or an IllegalArgumentException. */
class BoxPropertiesTest {

    @Provide
    Arbitrary<String> boxText() {
        return UserText.boxLike();
    }

    @Provide
    Arbitrary<Box> anyBox() {
        Arbitrary<Double> v = Arbitraries.oneOf(Arbitraries.doubles().between(-2000, 2000),
                Arbitraries.of(0.0, -0.0, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 1e308, Double.MIN_VALUE));
        return net.jqwik.api.Combinators.combine(v, v, v, v).as(Box::new);
    }

    @Property(tries = 500)
    void parseGivesABoxOfFourNumbersOrSaysWhy(@ForAll("boxText") String text) {
        try {
            Box box = Box.parse(text);
            // a parsed box prints back to the same numbers (to the 2 decimals of the CSV form)
            assertEquals(box.toCsv(), Box.parse(box.toCsv()).toCsv(), text);
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage() != null && !e.getMessage().isBlank(), "says why: " + text);
        }
    }

    @Property(tries = 500)
    void aBoxThatPassesCheckInsideLiesInTheFrame(@ForAll("anyBox") Box box, @ForAll @IntRange(min = 1, max = 4000) int width,
                                                 @ForAll @IntRange(min = 1, max = 4000) int height) {
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
    }

    @Property(tries = 500)
    void iouIsSymmetricAndAFractionOrMinusOneForAnAbsentBox(@ForAll("anyBox") Box a, @ForAll("anyBox") Box b) {
        double ab = a.iou(b);
        assertEquals(ab, b.iou(a), 1e-12, a + " vs " + b);
        if (a.isAbsent() || b.isAbsent()) {
            assertEquals(-1, ab, a + " vs " + b);
        } else if (Double.isFinite(a.area() + b.area())) {
            assertTrue(ab >= 0 && ab <= 1 + 1e-12, a + " vs " + b + ": " + ab);
        }
    }

    @Property(tries = 500)
    void clipStaysInTheFrame(@ForAll("anyBox") Box box, @ForAll @IntRange(min = 1, max = 4000) int width,
                             @ForAll @IntRange(min = 1, max = 4000) int height) {
        Box c = box.clip(width, height);
        if (!box.isAbsent() && Double.isFinite(box.x() + box.y() + box.w() + box.h())) {
            assertTrue(c.x() >= 0 && c.y() >= 0 && c.x() + c.w() <= width && c.y() + c.h() <= height, box + " -> " + c);
        }
    }
}
