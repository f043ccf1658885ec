package dev.siamtrack.trax;

import dev.siamtrack.run.SequenceRunner;
import dev.siamtrack.track.TargetEngine;
import dev.siamtrack.track.TargetResult;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * The tracker side of one TraX session (votchallenge/trax, protocol version 4 with several objects): says
 * {@code hello}, then answers every frame with one {@code state} per object, until the client says {@code quit}.
 *
 * <p>Both ways of starting objects are served. A version 4 client sends an empty {@code initialize} to drop
 * the objects it had, one {@code initialize REGION} per new object, then {@code frame IMAGE}: the new objects
 * start on that image, the others are located on it, and the states come in the order the objects were given.
 * A client of versions 1 to 3 sends {@code initialize IMAGE REGION}: the object replaces any other and its
 * state is answered at once. Anything else, a malformed line, an image that cannot be read or a region the
 * tracker cannot start from, is answered with {@code quit} and a {@code trax.reason}, and the session ends.
 *
 * <p>The frames go through the {@link SequenceRunner}, the loop every other command runs: its frame source
 * here is the client's requests ({@link Requests#next} reads messages until the next image, starting objects
 * with {@link SequenceRunner#add} on the way), and its listener answers the states.
 */
public final class TraxServer {

    /** How a session ended. */
    public record Result(SequenceRunner.Stats stats, boolean clientQuit) {
    }

    private final TargetEngine engine;
    private final BufferedReader in;
    private final Writer out;
    private final PrintStream log;
    private final Map<String, String> hello;

    /**
     * @param engine     the tracker; its objects are the session's
     * @param in         the client's messages
     * @param out        where the messages go: nothing else is written there
     * @param log        for what is not protocol (the end of the session, ignored lines)
     * @param identifier {@code trax.identifier}: the implementation and its model
     */
    public TraxServer(TargetEngine engine, InputStream in, OutputStream out, PrintStream log, String identifier) {
        this.engine = engine;
        this.in = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        this.out = new OutputStreamWriter(out, StandardCharsets.UTF_8);
        this.log = log;
        this.hello = new LinkedHashMap<>();
        hello.put("trax.version", "4");
        hello.put("trax.name", "SiamTrack");
        hello.put("trax.identifier", identifier);
        hello.put("trax.region", TraxRegion.FORMATS);
        hello.put("trax.image", TraxImage.FORMATS);
        hello.put("trax.channels", "color;");
        hello.put("trax.multiobject", "1");
    }

    /**
     * Runs the session to its end.
     *
     * @return the frames served, and whether the client said {@code quit} (false: its stream ended without it)
     * @throws TraxException after answering {@code quit} with the reason, for anything the client sent that
     *                       cannot be served
     * @throws IOException   when the client's stream fails (no {@code quit} can reach it then)
     * @throws Exception     what the tracker threw, after answering {@code quit} with it
     */
    public Result serve() throws Exception {
        send(new TraxMessage(TraxMessage.Type.HELLO, List.of(), hello));
        out.flush();
        SequenceRunner runner = new SequenceRunner(engine, List.of(), 1 << 16);
        Requests requests = new Requests(runner);
        try (TraxImage images = requests.images) {
            SequenceRunner.Stats stats = runner.run(requests, 0, this::reply);
            return new Result(stats, requests.quit);
        } catch (TraxException e) {
            quit(e.getMessage());
            throw e;
        } catch (IllegalArgumentException e) {
            // an object the engine cannot start (a box outside the image): the client's region
            quit(e.getMessage());
            throw new TraxException(e.getMessage());
        } catch (IOException e) {
            // the client's stream failed: no quit can reach it
            throw e;
        } catch (Exception e) {
            quit("tracker failure: " + e.getMessage());
            throw e;
        }
    }

    /** The requests as the runner's frames: messages are read up to the next image. */
    private final class Requests implements SequenceRunner.Frames {
        final TraxImage images = new TraxImage();
        private final SequenceRunner runner;
        private int objects;
        private int index = -1;
        boolean quit;

        Requests(SequenceRunner runner) {
            this.runner = runner;
        }

        @Override
        public Mat next() throws Exception {
            while (true) {
                String text = in.readLine();
                if (text == null) {
                    return null;
                }
                if (!TraxMessage.isMessage(text)) {
                    log.println("siamtrack trax: ignoring a line that is not a TraX message");
                    continue;
                }
                TraxMessage m = TraxMessage.parse(text);
                List<String> args = m.arguments();
                switch (m.type()) {
                    case QUIT -> {
                        quit = true;
                        return null;
                    }
                    case INITIALIZE -> {
                        if (args.isEmpty()) {
                            reset();
                        } else if (args.size() == 1) {
                            start(args.get(0));
                        } else if (args.size() == 2) {
                            reset();
                            start(args.get(1));
                            return image(args.get(0));
                        } else {
                            throw new TraxException("initialize takes REGION (version 4) or IMAGE REGION, got "
                                    + args.size() + " arguments");
                        }
                    }
                    case FRAME -> {
                        if (args.size() != 1) {
                            throw new TraxException("frame takes one image (one channel: color), got " + args.size()
                                    + " arguments");
                        }
                        if (objects == 0) {
                            throw new TraxException("frame before any object was initialized");
                        }
                        return image(args.get(0));
                    }
                    default -> throw new TraxException("a client does not send " + m.type().wireName());
                }
            }
        }

        @Override
        public int index() {
            return index;
        }

        private void reset() {
            runner.clear();
            objects = 0;
        }

        private void start(String region) throws TraxException {
            objects++;
            runner.add(String.valueOf(objects), TraxRegion.toBox(region));
        }

        private Mat image(String uri) throws TraxException {
            Mat frame = images.read(uri);
            index++;
            return frame;
        }
    }

    /** One {@code state} per object, in the order they were given, flushed together. */
    private void reply(int index, Mat frame, List<TargetResult> results, long trackNanos) throws IOException {
        for (TargetResult r : results) {
            Map<String, String> properties = new LinkedHashMap<>();
            properties.put("confidence", String.format(Locale.ROOT, "%.4f", r.score()));
            properties.put("siamtrack.state", r.state().name());
            send(new TraxMessage(TraxMessage.Type.STATE, List.of(TraxRegion.of(r.box())), properties));
        }
        out.flush();
    }

    /** Answers {@code quit} with the reason instead of {@code hello}, for a server that cannot start. */
    public static void refuse(OutputStream out, String reason) throws IOException {
        out.write((quitMessage(reason).encode() + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static TraxMessage quitMessage(String reason) {
        return new TraxMessage(TraxMessage.Type.QUIT, List.of(), Map.of("trax.reason", reason));
    }

    private void send(TraxMessage message) throws IOException {
        out.write(message.encode());
        out.write('\n');
    }

    /** Tells the client why the session ends; a client that is gone already cannot be told. */
    private void quit(String reason) {
        try {
            send(quitMessage(reason));
            out.flush();
        } catch (IOException e) {
            log.println("siamtrack trax: could not send quit: " + e.getMessage());
        }
    }
}
