package dev.siamtrack.cli;

import dev.siamtrack.server.ConfigFile;
import dev.siamtrack.server.ServeOptions;
import dev.siamtrack.server.SourceConfig;
import dev.siamtrack.server.TrackingService;
import dev.siamtrack.track.CropPreprocessors;
import dev.siamtrack.video.LiveSource;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run a headless tracking service for cameras, streams and looped files.",
            "Several targets per source; a web page to watch and pick targets; an HTTP API;",
            "live events (SSE, daily JSONL log, webhook); Prometheus metrics. Runs until",
            "SIGTERM or Ctrl-C, then stops cleanly and exits 0. Binding anything but",
            "loopback needs --token-file: every request but /healthz must then carry the token",
            "(header 'Authorization: Bearer TOKEN'; the page is opened once as /?token=TOKEN).",
            "Requests naming the server by a host name other than localhost need --host-name."},
        footer = {"", "Examples:",
            "  ./siamtrack serve --source demo=videos/demo.mp4",
            "      then open http://127.0.0.1:8080/ and drag a box on the picture",
            "  ./siamtrack serve --source gate=rtsp://10.0.0.7/stream1 --source desk=0 \\",
            "      --bind 0.0.0.0 --token-file /etc/siamtrack/token",
            "  ./siamtrack serve --config cameras.yaml --port 9090 \\",
            "      --webhook http://127.0.0.1:9000/events"})
final class ServeCommand implements Callable<Integer> {

    @Option(names = "--source", paramLabel = "NAME=URI",
            description = "A source to track on (repeatable): camera index or /dev/videoN, rtsp:// http(s):// udp:// tcp:// stream, or a video file (looped, played at its frame rate). NAME: letters, digits, - and _.")
    List<String> sources = new ArrayList<>();

    @Option(names = "--config", paramLabel = "FILE.yaml|FILE.json",
            description = "Sources from a file: 'sources:' followed by a list of {name, uri}. Combines with --source.")
    Path config;

    @Option(names = "--bind", paramLabel = "ADDR", defaultValue = ServeOptions.DEFAULT_BIND,
            description = "Address to listen on (default: ${DEFAULT-VALUE}). Any other than loopback needs --token-file.")
    String bind;

    @Option(names = "--port", paramLabel = "N", defaultValue = "" + ServeOptions.DEFAULT_PORT,
            description = "TCP port (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--token-file", paramLabel = "FILE",
            description = "File holding the access token (first line, at least 16 characters); every HTTP and event request must present it.")
    Path tokenFile;

    @Option(names = "--host-name", paramLabel = "NAME",
            description = "A name clients reach the server by (repeatable), e.g. a reverse proxy's or the box's DNS name. IP addresses and localhost are always accepted; any other Host is refused (DNS rebinding).")
    List<String> hostNames = new ArrayList<>();

    @Option(names = "--max-targets", paramLabel = "N", defaultValue = "" + ServeOptions.DEFAULT_MAX_TARGETS,
            description = "Most targets per source (default: ${DEFAULT-VALUE}).")
    int maxTargets;

    @Option(names = "--preview-fps", paramLabel = "FPS", defaultValue = "10",
            description = "Most preview JPEGs per second and source, however many viewers (default: ${DEFAULT-VALUE}).")
    double previewFps;

    @Option(names = "--jpeg-quality", paramLabel = "Q", defaultValue = "75",
            description = "Preview and snapshot JPEG quality, 1-100 (default: ${DEFAULT-VALUE}).")
    int jpegQuality;

    @Option(names = "--stall-timeout", paramLabel = "SECONDS", defaultValue = "2",
            description = "A live source silent this long is reported reconnecting and reopened; down after twice as long again (default: ${DEFAULT-VALUE}).")
    double stallTimeoutSeconds;

    @Option(names = "--rtsp-transport", paramLabel = "tcp|udp", defaultValue = "tcp",
            description = "How rtsp:// sources are read: inside the RTSP connection (tcp, default: passes firewalls, nothing lost) or as UDP packets.")
    String rtspTransport;

    @Option(names = "--full-speed",
            description = "Play files as fast as they decode and track, every frame tracked (default: at their frame rate, newest frame).")
    boolean fullSpeed;

    @Option(names = "--event-log", paramLabel = "DIR", defaultValue = "events",
            description = "Folder for the event log, one events-YYYY-MM-DD.jsonl per UTC day (default: ${DEFAULT-VALUE}).")
    Path eventLog;

    @Option(names = "--no-event-log", description = "Write no event log.")
    boolean noEventLog;

    @Option(names = "--webhook", paramLabel = "URL",
            description = "POST every event (JSON) to this URL, retrying failures.")
    String webhook;

    @Option(names = "--mqtt", paramLabel = "tcp://HOST:PORT",
            description = "Publish the events to this MQTT broker (QoS 1): siamtrack/SOURCE/events, retained siamtrack/SOURCE/targets/ID and siamtrack/SOURCE/status; reconnects by itself. Also 'mqtt:' in the config file.")
    String mqtt;

    @Mixin
    ModelOptions modelOptions;

    @Override
    public Integer call() throws Exception {
        ServeOptions options = options();
        TrackingService service;
        try {
            service = TrackingService.start(options);
        } catch (IllegalArgumentException e) {
            throw new UserException(e.getMessage());
        }
        System.err.println("siamtrack: serving " + options.sources().size() + " source(s) on http://"
                + options.bind() + ":" + service.port() + "/ (Ctrl-C or SIGTERM stops)");
        Thread onSignal = new Thread(() -> {
            service.stop();
            // A clean stop on SIGTERM is a success for service managers: exit 0, not the JVM's 143.
            Runtime.getRuntime().halt(SiamTrackCli.EXIT_OK);
        }, "siamtrack-serve-shutdown");
        Runtime.getRuntime().addShutdownHook(onSignal);
        service.awaitStopped();
        return SiamTrackCli.EXIT_OK;
    }

    /** Checks and gathers everything before anything is opened or bound. */
    ServeOptions options() throws Exception {
        List<SourceConfig> all = new ArrayList<>();
        URI broker = null;
        try {
            if (config != null) {
                ConfigFile.Contents contents = ConfigFile.read(config);
                all.addAll(contents.sources());
                broker = contents.mqtt();
            }
            for (String s : sources) {
                all.add(SourceConfig.parse(s));
            }
        } catch (IllegalArgumentException e) {
            throw new UserException(e.getMessage());
        }
        List<SourceConfig> missing = new ArrayList<>();
        for (SourceConfig s : all) {
            Path path = Path.of(s.uri());
            if (Files.exists(path) && !Files.isRegularFile(path)) {
                throw new UserException("source '" + s.name() + "': " + s.uri() + " is not a video file");
            }
            if (!Files.exists(path) && !LiveSource.isLive(s.uri())) {
                missing.add(s);
            }
        }
        if (!all.isEmpty() && missing.size() == all.size()) {
            SourceConfig s = missing.get(0);
            throw new UserException("source '" + s.name() + "': " + s.uri()
                    + " is neither a file nor a camera or stream URL");
        }
        for (SourceConfig s : missing) {
            // Like an unreachable camera: the source shows DOWN with the reason, the others run.
            System.err.println("siamtrack: warning: source '" + s.name() + "': no file " + s.uri()
                    + "; it stays DOWN until the file appears");
        }
        if (!(stallTimeoutSeconds >= 0.1) || stallTimeoutSeconds > 3600) {
            throw new UserException("--stall-timeout must be between 0.1 and 3600 seconds");
        }
        URI hook = null;
        if (webhook != null) {
            try {
                hook = new URI(webhook);
            } catch (URISyntaxException e) {
                throw new UserException("--webhook: not a URL: " + webhook);
            }
        }
        if (mqtt != null) {
            try {
                broker = new URI(mqtt);
            } catch (URISyntaxException e) {
                throw new UserException("--mqtt: not an address: " + mqtt);
            }
        }
        ServeOptions options = new ServeOptions(bind, port, readToken(), hostNames, all, modelOptions.modelDir(),
                modelOptions.modelOptions(), modelOptions.params(), crop(), maxTargets, previewFps, jpegQuality,
                Duration.ofMillis(Math.round(stallTimeoutSeconds * 1000)), rtspTransport(), !fullSpeed,
                noEventLog ? null : eventLog, hook, broker);
        try {
            options.validate();
        } catch (IllegalArgumentException e) {
            throw new UserException(e.getMessage());
        }
        return options;
    }

    private LiveSource.RtspTransport rtspTransport() {
        try {
            return LiveSource.RtspTransport.parse(rtspTransport);
        } catch (IllegalArgumentException e) {
            throw new UserException(e.getMessage());
        }
    }

    private CropPreprocessors.Preference crop() {
        try {
            return CropPreprocessors.Preference.parse(modelOptions.crop);
        } catch (IllegalArgumentException e) {
            throw new UserException("--crop: " + e.getMessage());
        }
    }

    private String readToken() {
        if (tokenFile == null) {
            return null;
        }
        try {
            List<String> lines = Files.readAllLines(tokenFile, StandardCharsets.UTF_8);
            String token = lines.isEmpty() ? "" : lines.get(0).trim();
            if (token.isEmpty()) {
                throw new UserException("--token-file " + tokenFile + " is empty");
            }
            return token;
        } catch (IOException e) {
            throw new UserException("--token-file: cannot read " + tokenFile + " (" + e.getMessage() + ")");
        }
    }
}
