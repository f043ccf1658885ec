package dev.siamtrack.track;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.siamtrack.model.ModelCard;
import org.junit.jupiter.api.Test;

/** The TRACKING / UNCERTAIN / LOST decision, with NanoTrack's thresholds (LOST under 0.9, UNCERTAIN under 0.97). */
class LossStateTest {

    private static LossState state(int lostFrames) {
        return new LossState(TrackerParams.builder().lostFrames(lostFrames).build().resolve(ModelCard.nanoTrack("v2", 2)));
    }

    @Test
    void lowScoresTurnLostAfterLostFramesAndAHighScoreEndsIt() {
        LossState s = state(3);
        assertEquals(TrackState.TRACKING, s.update(0.99, false, false, false));
        assertEquals(TrackState.UNCERTAIN, s.update(0.95, false, false, false));
        assertEquals(TrackState.UNCERTAIN, s.update(0.5, false, false, false), "first low score");
        assertEquals(TrackState.UNCERTAIN, s.update(0.5, false, false, false), "second");
        assertEquals(TrackState.LOST, s.update(0.5, false, false, false), "third: LOST");
        assertFalse(s.abrupt());
        assertEquals(TrackState.LOST, s.update(0.89, false, false, false), "stays LOST under the threshold");
        assertEquals(TrackState.TRACKING, s.update(0.98, false, false, false), "a high score ends it");
        assertFalse(s.lost());
    }

    @Test
    void aRunIsBrokenByAGoodFrameAndAVerifiedBoxIsNotALowScore() {
        LossState s = state(3);
        s.update(0.5, false, false, false);
        s.update(0.5, false, false, false);
        assertEquals(TrackState.UNCERTAIN, s.update(0.5, false, true, false), "verified: the classifier's doubt");
        assertEquals(TrackState.UNCERTAIN, s.update(0.5, false, false, false), "the run started over");
        assertEquals(TrackState.UNCERTAIN, s.update(0.5, false, false, false));
        assertEquals(TrackState.LOST, s.update(0.5, false, false, false));
    }

    @Test
    void aLowScoreWithAFallenSimilarityIsLostAtOnceAndAbrupt() {
        LossState s = state(3);
        assertEquals(TrackState.UNCERTAIN, s.update(0.95, true, false, false), "unlike alone only counts");
        assertEquals(TrackState.LOST, s.update(0.5, true, false, true), "unlike and low together");
        assertTrue(s.abrupt());
        assertTrue(s.lostAtBorder(), "where it was when it became LOST");
    }

    @Test
    void loseAtOnceAndFound() {
        LossState s = state(5);
        assertEquals(TrackState.LOST, s.loseAtOnce(false));
        assertTrue(s.lost() && s.abrupt() && !s.lostAtBorder());
        s.found();
        assertFalse(s.lost());
        assertEquals(TrackState.UNCERTAIN, s.update(0.5, false, false, false), "a new run starts from nothing");
    }

    @Test
    void aBoxFollowedAsTheTargetOnLostFramesFramesInARowIsFollowedSteadily() {
        LossState s = state(3);
        s.loseAtOnce(false);
        s.followed(true);
        s.followed(true);
        assertFalse(s.followedSteadily(), "two frames of three");
        s.followed(false);
        s.followed(true);
        s.followed(true);
        assertFalse(s.followedSteadily(), "a frame that failed started the run over");
        s.followed(true);
        assertTrue(s.followedSteadily(), "three in a row");
        s.found();
        assertFalse(s.followedSteadily(), "found again: the next loss starts from nothing");
    }
}
