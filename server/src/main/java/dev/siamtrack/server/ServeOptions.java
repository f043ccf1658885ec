package dev.siamtrack.server;

import dev.siamtrack.model.SiameseModel;
import dev.siamtrack.track.CropPreprocessors;
import dev.siamtrack.track.TrackerParams;
import dev.siamtrack.video.LiveSource;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Everything {@code siamtrack serve} needs, checked by {@link #validate()} before anything starts.
 *
 * @param bind           address to listen on; anything but loopback needs a token
 * @param port           TCP port (0: any free port)
 * @param token          the access token every request must present, or {@code null} (loopback only)
 * @param hostNames      names clients reach the server by (besides IP addresses and localhost); requests
 *                       with any other {@code Host} are refused, against DNS rebinding
 * @param sources        the cameras, streams and looped files to track on (at least one, unique names)
 * @param modelDir       the Siamese model folder
 * @param modelOptions   inference device and threads
 * @param trackerParams  tracker tuning (LOST threshold and frames)
 * @param crop           crop implementation preference
 * @param maxTargets     most targets per source
 * @param previewFps     most JPEG frames per second encoded for the preview and snapshots of a source
 * @param jpegQuality    JPEG quality, 1..100
 * @param stallTimeout   a live source silent this long is reconnected (and reported)
 * @param rtspTransport  how rtsp:// sources are read (TCP or UDP)
 * @param realtimeFiles  play files at their frame rate (false: as fast as they decode and track, every frame)
 * @param eventLogDir    folder of the daily JSONL event logs, or {@code null} for none
 * @param webhook        URL every event is POSTed to, or {@code null}
 * @param mqtt           MQTT broker ({@code tcp://host:port}) the events are published to, or {@code null}
 */
public record ServeOptions(String bind, int port, String token, List<String> hostNames, List<SourceConfig> sources, Path modelDir,
                           SiameseModel.Options modelOptions, TrackerParams trackerParams,
                           CropPreprocessors.Preference crop, int maxTargets,
                           double previewFps, int jpegQuality, Duration stallTimeout,
                           LiveSource.RtspTransport rtspTransport, boolean realtimeFiles,
                           Path eventLogDir, URI webhook, URI mqtt) {

    public static final int DEFAULT_PORT = 8080;
    public static final String DEFAULT_BIND = "127.0.0.1";
    public static final int DEFAULT_MAX_TARGETS = 16;
    private static final Pattern HOST_NAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]{0,252})");

    public ServeOptions {
        hostNames = List.copyOf(hostNames);
        sources = List.copyOf(sources);
    }

    /**
     * Checks the options as a whole.
     *
     * @throws IllegalArgumentException with one line saying what to change
     */
    public void validate() {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--port must be between 0 and 65535");
        }
        if (!isLoopback(bind) && (token == null || token.isEmpty())) {
            throw new IllegalArgumentException("refusing to listen on " + bind
                    + " without an access token: pass --token-file FILE (or bind 127.0.0.1)");
        }
        if (token != null && token.length() < 16) {
            throw new IllegalArgumentException("the access token must be at least 16 characters long");
        }
        for (String name : hostNames) {
            if (!HOST_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("--host-name '" + name + "' is not a host name (letters, digits, '.' and '-')");
            }
        }
        if (sources.isEmpty()) {
            throw new IllegalArgumentException("no source: give --source NAME=URI or --config FILE");
        }
        Set<String> names = new HashSet<>();
        for (SourceConfig s : sources) {
            if (!names.add(s.name())) {
                throw new IllegalArgumentException("source name '" + s.name() + "' is used twice");
            }
        }
        if (maxTargets < 1 || maxTargets > 256) {
            throw new IllegalArgumentException("--max-targets must be between 1 and 256");
        }
        if (!(previewFps > 0) || previewFps > 60) {
            throw new IllegalArgumentException("--preview-fps must be above 0 and at most 60");
        }
        if (jpegQuality < 1 || jpegQuality > 100) {
            throw new IllegalArgumentException("--jpeg-quality must be between 1 and 100");
        }
        if (stallTimeout.toMillis() < 100) {
            throw new IllegalArgumentException("--stall-timeout must be at least 0.1 s");
        }
        if (webhook != null && !("http".equals(webhook.getScheme()) || "https".equals(webhook.getScheme()))) {
            throw new IllegalArgumentException("--webhook must be an http:// or https:// URL");
        }
        if (mqtt != null && !("tcp".equals(mqtt.getScheme()) && mqtt.getHost() != null && mqtt.getPort() > 0)) {
            throw new IllegalArgumentException("--mqtt must be a broker address tcp://HOST:PORT, got '" + mqtt + "'");
        }
    }

    /** True when {@code address} names only this machine (127.0.0.0/8, ::1, localhost). */
    public static boolean isLoopback(String address) {
        try {
            InetAddress[] all = InetAddress.getAllByName(address);
            for (InetAddress a : all) {
                if (!a.isLoopbackAddress()) {
                    return false;
                }
            }
            return all.length > 0;
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("--bind: unknown address '" + address + "'");
        }
    }
}
