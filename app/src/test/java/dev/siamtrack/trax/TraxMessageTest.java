package dev.siamtrack.trax;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.siamtrack.geom.Box;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The server's reading and writing of the message grammar, checked against the spec's examples and the test client. */
class TraxMessageTest {

    @Test
    void readsQuotedAndUnquotedArgumentsEscapesAndNamedArguments() throws TraxException {
        TraxMessage m = TraxMessage.parse("@@TRAX:initialize \"file:///data/my seq/00000001.jpg\" 10,20,30,40"
                + " \"trax.name=a \\\"quoted\\\" name\" vot.note=back\\\\slash\\nnext \r");
        assertEquals(TraxMessage.Type.INITIALIZE, m.type());
        assertEquals(List.of("file:///data/my seq/00000001.jpg", "10,20,30,40"), m.arguments());
        assertEquals(Map.of("trax.name", "a \"quoted\" name", "vot.note", "back\\slash\nnext"), m.properties());
        assertEquals(TraxMessage.Type.QUIT, TraxMessage.parse("@@TRAX:quit").type());
        assertEquals(TraxMessage.Type.STATE, TraxMessage.parse("@@TRAX:status \"1,2,3,4\"").type(),
                "the reference library's old name");
        assertFalse(TraxMessage.isMessage("loading model..."));
    }

    @Test
    void malformedMessagesSayWhatIsWrong() {
        assertTrue(assertThrows(TraxException.class, () -> TraxMessage.parse("@@TRAX:jump 1"))
                .getMessage().contains("unknown message 'jump'"));
        assertTrue(assertThrows(TraxException.class, () -> TraxMessage.parse("@@TRAX:frame \"file:///a.jpg"))
                .getMessage().contains("unterminated quote"));
        assertTrue(assertThrows(TraxException.class, () -> TraxMessage.parse("@@TRAX:frame \"a\"b"))
                .getMessage().contains("a space must follow a closing quote"));
        assertTrue(assertThrows(TraxException.class, () -> TraxMessage.parse("@@TRAX:frame a\\"))
                .getMessage().contains("back-slash ends the line"));
        assertTrue(assertThrows(TraxException.class, () -> TraxMessage.parse("@@TRAX: frame"))
                .getMessage().contains("a message name must follow"));
    }

    @Test
    void whatTheServerWritesTheSpecClientReadsBack() throws TraxException {
        Map<String, String> named = new LinkedHashMap<>();
        named.put("trax.reason", "image file /tmp/a \"b\".jpg does not exist\nsecond line");
        named.put("confidence", "0.5000");
        String line = new TraxMessage(TraxMessage.Type.QUIT, List.of("x y", "back\\slash"), named).encode();
        SpecClient.Message m = SpecClient.decode(line.substring(TraxMessage.PREFIX.length()));
        assertEquals("quit", m.name());
        assertEquals(List.of("x y", "back\\slash"), m.arguments());
        assertEquals(named, m.named());
        assertFalse(line.contains("\n"), "one line");
        assertEquals(new TraxMessage(TraxMessage.Type.QUIT, List.of("x y", "back\\slash"), named), TraxMessage.parse(line));
    }

    @Test
    void regionsAreRectanglesOrPolygonsTurnedIntoTheBoxOfSameCentreAndArea() throws TraxException {
        assertEquals(new Box(10.5, 20, 30, 40), TraxRegion.toBox("10.5,20,30,40"));
        Box diamond = TraxRegion.toBox("50,40,60,50,50,60,40,50");
        double side = 20 / Math.sqrt(2);
        assertEquals(50 - side / 2, diamond.x(), 1e-9);
        assertEquals(side, diamond.w(), 1e-9);
        assertTrue(assertThrows(TraxException.class, () -> TraxRegion.toBox("m10,10,2,2,1,1"))
                .getMessage().contains("masks are not supported"));
        assertTrue(assertThrows(TraxException.class, () -> TraxRegion.toBox("0"))
                .getMessage().contains("got 1 number(s)"));
        assertTrue(assertThrows(TraxException.class, () -> TraxRegion.toBox("1,2,0,4"))
                .getMessage().contains("width and height must be positive"));
        assertTrue(assertThrows(TraxException.class, () -> TraxRegion.toBox("1,2,x,4"))
                .getMessage().contains("'x' is not a number"));
        assertEquals("1.000,2.500,3.125,4.000", TraxRegion.of(new Box(1, 2.5, 3.125, 4)));
    }
}
