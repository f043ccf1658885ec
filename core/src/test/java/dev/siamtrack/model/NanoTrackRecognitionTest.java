package dev.siamtrack.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class NanoTrackRecognitionTest {

    @Test
    void ninetySixChannelsOrAFifteenSquareScoreMapIsV3() {
        assertEquals("nanotrack-v3", NanoTrackRecognition.recognise(Path.of("models/nanotrack-v1"), 96, 16).family());
        assertEquals("nanotrack-v3", NanoTrackRecognition.recognise(Path.of("models/any"), 48, 15).family());
    }

    @Test
    void v1IsToldApartFromV2OnlyByTheDirectoryName() {
        assertEquals("nanotrack-v1", NanoTrackRecognition.recognise(Path.of("models/NanoTrack-V1"), 48, 16).family());
        assertEquals("nanotrack-v2", NanoTrackRecognition.recognise(Path.of("models/nanotrack-v2"), 48, 16).family());
        assertEquals("nanotrack-v2", NanoTrackRecognition.recognise(Path.of("models/mine"), 48, 16).family());
    }

    @Test
    void theCardIsNamedAfterTheDirectoryAndCarriesTheVersionsScoreMap() {
        ModelCard card = NanoTrackRecognition.recognise(Path.of("models/nanotrack-v3/."), 96, 15);
        assertEquals("nanotrack-v3", card.name());
        assertEquals(15, card.scoreSize());
        assertEquals(16, NanoTrackRecognition.recognise(Path.of("a/v1"), 48, 16).scoreSize());
    }
}
