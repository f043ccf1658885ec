package dev.siamtrack.render;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.siamtrack.geom.Box;
import dev.siamtrack.pipeline.ColourBlobTracker;
import dev.siamtrack.pipeline.FrameOutput;
import dev.siamtrack.pipeline.TrackingControl;
import dev.siamtrack.pipeline.TrackingPipeline;
import dev.siamtrack.run.LatencyStats;
import dev.siamtrack.run.PlannedTarget;
import dev.siamtrack.track.TargetEngine;
import dev.siamtrack.video.LiveSource;
import dev.siamtrack.video.SyntheticStream;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Glass-to-glass latency of the viewer on a real loopback stream: from the moment the sender draws a frame to
 * the moment the viewer has it on screen (the frame is recognised from where its square is). Also reports the
 * pipeline's own capture -> on screen latency.
 */
class LoopbackLatencyTest {

    @Test
    void latencyFromSenderToScreenStaysLow() throws Exception {
        String reason = TrackViewer.unavailableReason();
        Assumptions.assumeTrue(reason == null, "latency test skipped: " + reason);
        int port = 25000 + (int) (ProcessHandle.current().pid() % 1000);
        LatencyStats senderToScreen = new LatencyStats(1024);
        TrackingControl control = new TrackingControl();
        try (SyntheticStream stream = new SyntheticStream(port)) {
            stream.start();
            stream.awaitSending();
            try (LiveSource source = LiveSource.open("udp://127.0.0.1:" + port, Duration.ofSeconds(2), line -> { })) {
                TrackViewer viewer = TrackViewer.open("latency", source.width(), source.height(), control, null, 0,
                        line -> { });
                FrameOutput measure = packet -> {
                    if (!packet.results().isEmpty() && packet.results().get(0).result().found()) {
                        Box box = packet.results().get(0).box();
                        int t = stream.frameShowing(box.cx(), box.cy());
                        senderToScreen.add(System.nanoTime() - stream.drawnAtNanos(t));
                    }
                };
                TrackingPipeline.Summary summary = new TrackingPipeline(source, TargetEngine.single(new ColourBlobTracker()), control,
                        List.of(viewer, measure), new TrackingPipeline.Settings(true, false, 150, List.of(new PlannedTarget("1", 0, SyntheticStream.squareAt(0)))), line -> { })
                        .run();
                System.out.println("[latency] " + summary.describe());
                System.out.printf(Locale.ROOT, "[latency] sender draw -> on screen (encode, UDP, decode, track, "
                                + "display): median %.1f ms, p95 %.1f ms over %d frames%n",
                        senderToScreen.medianMs(), senderToScreen.p95Ms(), senderToScreen.total());
                assertTrue(summary.processed() == 150, summary.describe());
                assertTrue(senderToScreen.total() > 100, "frames measured: " + senderToScreen.total());
                assertTrue(senderToScreen.medianMs() < 500, "no latency build-up");
            }
        }
    }
}
