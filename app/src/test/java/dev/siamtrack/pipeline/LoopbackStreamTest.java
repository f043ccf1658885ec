package dev.siamtrack.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.siamtrack.render.VideoRecorder;
import dev.siamtrack.run.PlannedTarget;
import dev.siamtrack.track.TargetEngine;
import dev.siamtrack.track.TrackResult;
import dev.siamtrack.video.LiveSource;
import dev.siamtrack.video.SyntheticStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real MPEG-TS stream over UDP on 127.0.0.1 that stops for 3 s: the run reconnects and keeps tracking. */
class LoopbackStreamTest {

    @TempDir
    Path tmp;

    @Test
    void reconnectsAfterAStallAndKeepsTracking() throws Exception {
        int port = 24000 + (int) (ProcessHandle.current().pid() % 1000);
        List<String> log = new CopyOnWriteArrayList<>();
        List<TrackResult> afterGap = new CopyOnWriteArrayList<>();
        List<TrackResult> beforeGap = new CopyOnWriteArrayList<>();
        AtomicBoolean gapOver = new AtomicBoolean();
        ColourBlobTracker tracker = new ColourBlobTracker();
        TrackingControl control = new TrackingControl();
        try (SyntheticStream stream = new SyntheticStream(port)) {
            stream.start();
            stream.awaitSending();
            try (LiveSource source = LiveSource.open("udp://127.0.0.1:" + port, Duration.ofSeconds(1), log::add)) {
                FrameOutput collect = packet -> {
                    if (!packet.results().isEmpty()) {
                        (gapOver.get() ? afterGap : beforeGap).add(packet.results().get(0).result());
                    }
                    if (afterGap.size() >= 25) {
                        control.quit();
                    }
                };
                Thread sender = new Thread(() -> {
                    try {
                        Thread.sleep(1500);
                        stream.pause();
                        log.add("test: sender stopped");
                        Thread.sleep(3000);
                        log.add("test: sender restarted");
                        stream.resume();
                        gapOver.set(true);
                        Thread.sleep(20_000);
                        control.quit();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
                sender.setDaemon(true);
                sender.start();
                Path video = tmp.resolve("live.mp4");
                VideoRecorder recorder = new VideoRecorder(video, 25, true, log::add);
                TrackingPipeline.Summary summary = new TrackingPipeline(source, TargetEngine.single(tracker), control,
                        List.of(collect, recorder),
                        new TrackingPipeline.Settings(true, false, 0, List.of(new PlannedTarget("1", 0, SyntheticStream.squareAt(0)))), log::add).run();
                sender.interrupt();
                log.forEach(line -> System.out.println("[loopback] " + line));
                System.out.println("[loopback] " + summary.describe());

                assertTrue(beforeGap.size() > 10, "tracked before the gap: " + beforeGap.size());
                assertTrue(afterGap.size() >= 25, "tracked after the gap: " + afterGap.size());
                assertTrue(afterGap.stream().allMatch(r -> r.found() && Math.abs(r.box().w() - SyntheticStream.SQUARE) <= 4),
                        "the square is followed after the reconnect");
                assertEquals(1, tracker.inits.get(), "the tracker kept its state: no second init");
                assertTrue(summary.reconnects() >= 1, summary.describe());
                assertTrue(log.stream().anyMatch(l -> l.startsWith("reconnect") && l.contains("stalled") && l.contains(": ok")),
                        "a successful reconnect with its cause was logged: " + log);
                // The recording follows the capture clock: the 3 s gap is in it, not squeezed out.
                try (FFmpegFrameGrabber check = new FFmpegFrameGrabber(video.toFile())) {
                    check.start();
                    double recorded = summary.processed() / 25.0;
                    double seconds = check.getLengthInTime() / 1e6;
                    assertTrue(seconds > recorded + 2, "video lasts " + seconds + " s for " + summary.processed()
                            + " frames");
                    check.stop();
                }
            }
        }
    }

    @Test
    void quitEndsTheRunWhileTheStreamIsStalled() throws Exception {
        int port = 24500 + (int) (ProcessHandle.current().pid() % 400);
        TrackingControl control = new TrackingControl();
        try (SyntheticStream stream = new SyntheticStream(port)) {
            stream.start();
            stream.awaitSending();
            try (LiveSource source = LiveSource.open("udp://127.0.0.1:" + port, Duration.ofSeconds(1), line -> { })) {
                Thread user = new Thread(() -> {
                    try {
                        Thread.sleep(500);
                        stream.pause();
                        Thread.sleep(2500);
                        control.quit();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
                user.setDaemon(true);
                user.start();
                long start = System.nanoTime();
                TrackingPipeline.Summary summary = new TrackingPipeline(source, TargetEngine.single(new ColourBlobTracker()), control,
                        List.of(), new TrackingPipeline.Settings(true, false, 0, List.of(new PlannedTarget("1", 0, SyntheticStream.squareAt(0)))),
                        line -> { }).run();
                double seconds = (System.nanoTime() - start) / 1e9;
                assertTrue(seconds < 6, "quit ended the run in " + seconds + " s");
                assertTrue(summary.processed() > 3, summary.describe());
            }
        }
    }
}
