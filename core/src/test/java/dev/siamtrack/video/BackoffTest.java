package dev.siamtrack.video;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {

    @Test
    void delaysDoubleUpToTheLongest() {
        Backoff backoff = new Backoff(new BackoffOptions(Duration.ofMillis(500), Duration.ofSeconds(10)));
        long[] expected = {500, 1000, 2000, 4000, 8000, 10_000, 10_000};
        for (long e : expected) {
            assertEquals(e, backoff.nextDelayMillis());
        }
    }

    @Test
    void resetAfterASuccessStartsOver() {
        Backoff backoff = new Backoff(LiveSource.RECONNECT);
        backoff.nextDelayMillis();
        backoff.nextDelayMillis();
        assertEquals(2000, backoff.nextDelayMillis());
        backoff.reset();
        assertEquals(500, backoff.nextDelayMillis());
        assertEquals(1000, backoff.nextDelayMillis());
    }

    @Test
    void liveReconnectWaitsAtMostFourSeconds() {
        Backoff backoff = new Backoff(LiveSource.RECONNECT);
        long last = 0;
        for (int i = 0; i < 10; i++) {
            last = backoff.nextDelayMillis();
        }
        assertEquals(4000, last);
    }

    @Test
    void invalidOptionsAreRefusedWithTheReason() {
        IllegalArgumentException zero = assertThrows(IllegalArgumentException.class,
                () -> new BackoffOptions(Duration.ZERO, Duration.ofSeconds(1)));
        assertTrue(zero.getMessage().contains("initial delay"), zero.getMessage());
        IllegalArgumentException shorter = assertThrows(IllegalArgumentException.class,
                () -> new BackoffOptions(Duration.ofSeconds(2), Duration.ofSeconds(1)));
        assertTrue(shorter.getMessage().contains("max delay (1000 ms)"), shorter.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new BackoffOptions(null, Duration.ofSeconds(1)));
    }
}
