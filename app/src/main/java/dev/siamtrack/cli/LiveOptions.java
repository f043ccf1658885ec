package dev.siamtrack.cli;

import dev.siamtrack.video.LiveSource;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/** The {@code track} options for the viewer and live sources (cameras, network streams). */
final class LiveOptions {

    @Option(names = "--view",
            description = "Show the tracking in a window; drag a box with the mouse to add a target (so --init becomes optional), "
                    + "click a box to select it. Keys: Delete removes the selected target, r removes all (and pauses to draw new ones), "
                    + "space pause, right arrow step, d debug overlay (selected target), s snapshot PNG, q or Esc quit.")
    boolean view;

    @Option(names = "--debug-overlay",
            description = "With --view: start with the debug overlay on (search region and score heat map; key d toggles it).")
    boolean debugOverlay;

    @Option(names = "--realtime",
            description = "Read a video file at its frame rate and track the newest frame, like a live source (dropping frames when slower).")
    boolean realtime;

    @Option(names = "--stall-timeout", paramLabel = "SECONDS", defaultValue = "2",
            description = "Reopen a live source that delivers no frame for this long (default: ${DEFAULT-VALUE}).")
    double stallTimeoutSeconds;

    @Option(names = "--rtsp-transport", paramLabel = "tcp|udp", defaultValue = "tcp",
            description = "How an rtsp:// source is read: inside the RTSP connection (tcp, default: passes firewalls, nothing lost) or as UDP packets.")
    String rtspTransport;

    @Option(names = "--screenshot", paramLabel = "FILE.png", description = "With --view: save the rendered window as a PNG.")
    Path screenshot;

    @Option(names = "--screenshot-frame", paramLabel = "N", defaultValue = "30",
            description = "The frame to take the --screenshot at (default: ${DEFAULT-VALUE}).")
    int screenshotFrame;

    Duration stallTimeout() {
        if (!(stallTimeoutSeconds >= 0.1) || stallTimeoutSeconds > 3600) {
            throw new UserException("--stall-timeout must be between 0.1 and 3600 seconds");
        }
        return Duration.ofMillis(Math.round(stallTimeoutSeconds * 1000));
    }

    LiveSource.RtspTransport rtspTransport() {
        try {
            return LiveSource.RtspTransport.parse(rtspTransport);
        } catch (IllegalArgumentException e) {
            throw new UserException(e.getMessage());
        }
    }
}
