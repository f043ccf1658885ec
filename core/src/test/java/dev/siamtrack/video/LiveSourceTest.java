package dev.siamtrack.video;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
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
    void aSenderThatSendsNothingIsTriedAgainAfterTheBackOffsWaitsUntilTheGraceRunsOut() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                while (!server.isClosed()) {
                    try (Socket s = server.accept()) {
                        attempts.incrementAndGet();
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            long start = System.nanoTime();
            SourceException e = assertThrows(SourceException.class, () -> LiveSource.open(
                    "tcp://127.0.0.1:" + server.getLocalPort(), Duration.ofMillis(500), line -> { }));
            double seconds = (System.nanoTime() - start) / 1e9;
            assertTrue(e.getMessage().contains("is the sender running?"), e.getMessage());
            // 5 s of grace: tries at 0, 0.5, 1.5, 3.5 and 5 s, FFmpeg connecting once or twice each (each connection
            // is closed at once, so each try fails at once: without the waits, some 20,000 connections)
            assertTrue(attempts.get() >= 3 && attempts.get() <= 16, attempts.get() + " attempts in " + seconds + " s");
            assertTrue(seconds >= 4.5, "gave up after " + seconds + " s");
        }
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
