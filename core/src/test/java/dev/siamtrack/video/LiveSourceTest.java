package dev.siamtrack.video;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.bytedeco.opencv.opencv_core.Mat;

class LiveSourceTest {

    @Test
    void recognisesLiveSpecs() {
        assertTrue(LiveSource.isLive("0"));
        assertTrue(LiveSource.isLive("/dev/video2"));
        assertTrue(LiveSource.isLive("rtsp://cam.local/stream"));
        assertTrue(LiveSource.isLive("udp://127.0.0.1:5000"));
        assertTrue(LiveSource.isLive("HTTPS://host/live.m3u8"));
        assertFalse(LiveSource.isLive("clip.mp4"));
        assertFalse(LiveSource.isLive("data/otb/Basketball/img"));
        assertFalse(LiveSource.isLive("2024"));
    }

    @Test
    void missingCameraSaysWhatWasTried() {
        SourceException e = assertThrows(SourceException.class,
                () -> LiveSource.open("/dev/video97", Duration.ofMillis(500), line -> { }));
        assertTrue(e.getMessage().contains("/dev/video97"), e.getMessage());
        assertTrue(e.getMessage().contains("video4linux2"), e.getMessage());
    }

    @Test
    void reconnectsAfterTheSenderStalls() throws Exception {
        int port = 23000 + (int) (ProcessHandle.current().pid() % 1000);
        List<String> log = new ArrayList<>();
        try (SyntheticStream stream = new SyntheticStream(port)) {
            stream.start();
            stream.awaitSending();
            try (LiveSource source = LiveSource.open("udp://127.0.0.1:" + port, Duration.ofMillis(1000), log::add)) {
                Thread gap = new Thread(() -> {
                    try {
                        Thread.sleep(1000);
                        stream.pause();
                        Thread.sleep(3000);
                        stream.resume();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
                gap.start();
                long deadline = System.nanoTime() + 15_000_000_000L;
                int afterGap = 0;
                while (afterGap < 20 && System.nanoTime() < deadline) {
                    Mat m = source.next();
                    assertNotNull(m);
                    assertEquals(SyntheticStream.WIDTH, m.cols());
                    if (!gap.isAlive()) {
                        afterGap++;
                    }
                }
                gap.join();
                System.out.println("reconnect log: " + log);
                assertEquals(20, afterGap, "frames after the gap");
                assertTrue(source.reconnects() >= 1, "a reconnect was logged");
                assertTrue(log.get(log.size() - 1).contains(": ok"), log.toString());
            }
        }
    }
}
