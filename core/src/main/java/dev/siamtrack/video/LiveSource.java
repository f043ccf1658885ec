package dev.siamtrack.video;

import java.io.File;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * A camera or network stream read through FFmpeg. A stream that stalls longer than the stall timeout, errors or
 * ends is reopened with growing back-off inside {@link #next()}, so callers (and the tracker's state) see no gap
 * other than missing frames; each reconnect is reported to the log with its cause. {@link #next()} returns
 * {@code null} only after {@link #close()}.
 */
public final class LiveSource implements FrameSource {

    /**
     * How an {@code rtsp://} stream's packets travel: inside the RTSP connection (TCP: passes NAT and
     * firewalls, nothing lost) or as separate UDP packets (less delay on a good network; what some cameras
     * require).
     */
    public enum RtspTransport {
        TCP, UDP;

        /** {@code tcp} or {@code udp}, any case. */
        public static RtspTransport parse(String name) {
            for (RtspTransport t : values()) {
                if (t.name().equalsIgnoreCase(name.trim())) {
                    return t;
                }
            }
            throw new IllegalArgumentException("--rtsp-transport must be tcp or udp, got '" + name + "'");
        }
    }

    private static final Pattern CAMERA_INDEX = Pattern.compile("\\d{1,2}");
    private static final Pattern STREAM_URL =
            Pattern.compile("(?i)(rtsp|rtsps|rtmp|rtmps|http|https|udp|tcp|srt|rtp)://.+");
    /** The waits between failed reconnect attempts: 0.5 s, doubled up to 4 s. */
    public static final BackoffOptions RECONNECT = new BackoffOptions(Duration.ofMillis(500), Duration.ofSeconds(4));
    private static final long FIRST_CONNECT_MILLIS = 5000;

    private final String spec;
    private final String url;
    private final String format;
    private final Duration stallTimeout;
    private final RtspTransport rtspTransport;
    private final Consumer<String> log;
    private final OpenCVFrameConverter.ToMat converter = new OpenCVFrameConverter.ToMat();
    private final Backoff backoff = new Backoff(RECONNECT);

    private FFmpegFrameGrabber grabber;
    private int frameIndex = -1;
    private int width;
    private int height;
    private double fps;
    private int reconnects;
    private String lostCause = "not connected";
    private volatile boolean closed;

    private LiveSource(String spec, String url, String format, Duration stallTimeout, RtspTransport rtspTransport,
                       Consumer<String> log) {
        this.spec = spec;
        this.url = url;
        this.format = format;
        this.stallTimeout = stallTimeout;
        this.rtspTransport = rtspTransport;
        this.log = log;
    }

    /** True for a camera index ({@code 0}), a video device path ({@code /dev/video0}) or a stream URL. */
    public static boolean isLive(String spec) {
        String s = spec.trim();
        return CAMERA_INDEX.matcher(s).matches() || s.startsWith("/dev/video") || STREAM_URL.matcher(s).matches();
    }

    /**
     * Opens a live source and waits for its first frame (at most about the stall timeout).
     *
     * @param log receives one line per reconnect (cause and attempt)
     * @throws SourceException when the camera or stream cannot be opened; the message lists what was tried
     */
    public static LiveSource open(String spec, Duration stallTimeout, Consumer<String> log) throws SourceException {
        return open(spec, stallTimeout, RtspTransport.TCP, log);
    }

    /** As {@link #open(String, Duration, Consumer)}, an {@code rtsp://} stream read over {@code rtspTransport}. */
    public static LiveSource open(String spec, Duration stallTimeout, RtspTransport rtspTransport, Consumer<String> log)
            throws SourceException {
        if (!isLive(spec)) {
            throw new SourceException("'" + spec + "' is not a camera index, video device or stream URL");
        }
        String s = spec.trim();
        boolean camera = CAMERA_INDEX.matcher(s).matches() || s.startsWith("/dev/video");
        String url = CAMERA_INDEX.matcher(s).matches() ? "/dev/video" + s : s;
        LiveSource source = new LiveSource(s, url, camera ? "video4linux2" : null, stallTimeout, rtspTransport, log);
        if (camera && !new File(url).exists()) {
            throw new SourceException(noCameraMessage(url));
        }
        // A sender that starts at the same moment as we do gets a few seconds of grace, tried again after the
        // reconnect back-off's waits (a refused connection fails at once: without them this would spin).
        long deadline = System.nanoTime() + Math.max(FIRST_CONNECT_MILLIS, 2 * stallTimeout.toMillis()) * 1_000_000;
        while (true) {
            try {
                source.connect();
                source.backoff.reset();
                return source;
            } catch (FrameGrabber.Exception e) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (camera || left <= 0 || !pause(Math.min(source.backoff.nextDelayMillis(), left))) {
                    source.close();
                    String tried = camera ? url + " (format video4linux2)" : url;
                    throw new SourceException("cannot open live source: tried " + tried + ": " + brief(e)
                            + (camera ? "" : " (no video arrived; is the sender running?)"));
                }
            }
        }
    }

    /** Sleeps; false when interrupted (the interrupt is kept). */
    private static boolean pause(long millis) {
        try {
            Thread.sleep(millis);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** What went wrong, in the user's terms (see {@link FFmpegErrors}). */
    static String brief(Exception e) {
        return FFmpegErrors.describe(e);
    }

    private static String noCameraMessage(String tried) {
        String[] devices = new File("/dev").list((dir, name) -> name.startsWith("video"));
        String present = devices == null || devices.length == 0
                ? "no /dev/video* device exists on this machine"
                : "devices present: " + String.join(", ", sorted(devices));
        return "no camera found: tried " + tried + " (format video4linux2); " + present;
    }

    private static String[] sorted(String[] names) {
        String[] copy = names.clone();
        Arrays.sort(copy);
        for (int i = 0; i < copy.length; i++) {
            copy[i] = "/dev/" + copy[i];
        }
        return copy;
    }

    private void connect() throws FrameGrabber.Exception {
        avutil.av_log_set_level(avutil.AV_LOG_QUIET);
        FFmpegFrameGrabber g = new FFmpegFrameGrabber(url);
        if (format != null) {
            g.setFormat(format);
        }
        String micros = Long.toString(stallTimeout.toMillis() * 1000);
        // Each protocol reads its own timeout option; rw_timeout covers the rest. Together they turn a silent
        // stream into a read error after the stall timeout instead of a read that blocks forever.
        g.setOption("rw_timeout", micros);
        String scheme = url.contains("://") ? url.substring(0, url.indexOf("://")).toLowerCase(Locale.ROOT) : "";
        if (scheme.startsWith("rtsp")) {
            g.setOption("timeout", micros);
            g.setOption("rtsp_transport", rtspTransport.name().toLowerCase(Locale.ROOT));
        } else if (scheme.equals("udp") || scheme.equals("tcp")) {
            g.setOption("timeout", micros);
        }
        if (scheme.equals("udp")) {
            g.setOption("overrun_nonfatal", "1");
            g.setOption("fifo_size", "1000000");
        }
        // Live: no demuxer buffering and a short probe so the newest frame reaches the tracker quickly.
        g.setOption("fflags", "nobuffer");
        // Decoder side: no frame reordering delay, and slice threads instead of frame threads (each frame
        // thread holds back one frame).
        g.setVideoOption("flags", "low_delay");
        g.setVideoOption("thread_type", "slice");
        g.setOption("probesize", "500000");
        g.setOption("analyzeduration", "500000");
        g.setPixelFormat(avutil.AV_PIX_FMT_BGR24);
        try {
            g.start();
        } catch (FrameGrabber.Exception e) {
            release(g);
            throw e;
        }
        grabber = g;
        width = g.getImageWidth();
        height = g.getImageHeight();
        fps = g.getFrameRate();
    }

    @Override
    public Mat next() throws SourceException {
        while (!closed) {
            String cause;
            try {
                Frame frame = grabber == null ? null : grabber.grabImage();
                if (frame != null && frame.image != null) {
                    Mat mat = converter.convert(frame);
                    width = mat.cols();
                    height = mat.rows();
                    frameIndex++;
                    return mat;
                }
                cause = grabber == null ? lostCause : "stream ended or stalled for over "
                        + stallTimeout.toMillis() + " ms";
            } catch (FrameGrabber.Exception e) {
                cause = "read error: " + brief(e);
            }
            lostCause = cause;
            reconnect(cause);
        }
        return null;
    }

    /**
     * Reopens the stream: at once (a stream that just dropped often answers straight away), then after each
     * failed attempt the {@link #RECONNECT} back-off, until it opens or the source is closed.
     */
    private void reconnect(String cause) {
        if (grabber != null) {
            release(grabber);
            grabber = null;
        }
        long delay = 0;
        for (int attempt = 1; !closed; attempt++) {
            if (!pause(delay)) {
                closed = true;
                return;
            }
            if (closed) {
                return;
            }
            reconnects++;
            try {
                connect();
                backoff.reset();
                log.accept(String.format(Locale.ROOT, "reconnect #%d to %s after %s: ok (attempt %d)",
                        reconnects, spec, cause, attempt));
                return;
            } catch (FrameGrabber.Exception e) {
                delay = backoff.nextDelayMillis();
                log.accept(String.format(Locale.ROOT, "reconnect #%d to %s after %s: failed (%s), retrying in %d ms",
                        reconnects, spec, cause, brief(e), delay));
            }
        }
    }

    private static void release(FFmpegFrameGrabber g) {
        try {
            g.release();
        } catch (FrameGrabber.Exception ignored) {
            // Releasing a broken stream can fail again; the native context is freed either way.
        }
    }

    /** Number of reconnect attempts so far (successful or not). */
    public int reconnects() {
        return reconnects;
    }

    @Override
    public int frameIndex() {
        return frameIndex;
    }

    @Override
    public int width() {
        return width;
    }

    @Override
    public int height() {
        return height;
    }

    @Override
    public double fps() {
        return fps;
    }

    @Override
    public int frameCount() {
        return -1;
    }

    @Override
    public int skippedFrames() {
        return 0;
    }

    @Override
    public String description() {
        return format == null ? url : url + " (" + format + ")";
    }

    /**
     * Asks a reader blocked in {@link #next()} to give up: it returns {@code null} after the current read
     * (at most about the stall timeout). Safe from any thread; {@link #close()} must still follow on the reader.
     */
    public void stop() {
        closed = true;
    }

    /** Releases the stream. Call it from the reading thread, or once that thread has stopped. */
    @Override
    public void close() {
        closed = true;
        if (grabber != null) {
            release(grabber);
            grabber = null;
        }
    }
}
