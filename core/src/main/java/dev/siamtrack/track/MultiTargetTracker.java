package dev.siamtrack.track;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;

import dev.siamtrack.geom.Box;
import dev.siamtrack.model.ModelCard;
import dev.siamtrack.model.ModelException;
import dev.siamtrack.model.SiameseModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Tracks any number of targets, each with an id, on the same frames, with one Siamese network for all of
 * them. Targets can be added and removed at any frame. Every {@link #update} crops all search regions,
 * embeds them in ONE backbone call (a batch of N), scores them against their own stored templates in ONE
 * head call, then chooses each target's box and state on its own (its own window, penalty, size smoothing
 * and LOST state). The answers equal those of N separate single-target trackers; the single-target
 * {@link SiameseTracker} is this class with one target.
 *
 * <pre>{@code
 * try (MultiTargetTracker tracker = MultiTargetTracker.create(Path.of("models/siamtrack-v3s"))) {
 *     tracker.add("car", frame0, new Box(462, 166, 56, 40));
 *     List<TargetResult> results = tracker.update(frame1);
 * }
 * }</pre>
 *
 * <p>Buffers are sized for a capacity that doubles when more targets come, so a steady set of targets
 * allocates nothing per frame but its result records. Frames are 8-bit BGR {@link Mat}s, never kept between
 * calls. Not thread-safe: use one tracker per thread.
 */
public final class MultiTargetTracker implements TargetEngine {

    /**
     * LOST targets that get their scan windows on one frame. The scan windows are a budget per frame shared by
     * all LOST targets, handed round-robin: one or two LOST targets scan every frame as before, sixteen cost
     * no more than two, each scanning every eighth frame.
     */
    static final int SCANNING_TARGETS_PER_FRAME = 2;

    private final SiameseModel model;
    private final CropPreprocessor preprocessor;
    private final Scoring scoring;
    /** In the order they were added, which is also their slot order in the model. */
    private final List<TrackedTarget> targets = new ArrayList<>();
    private final StageTimes times = new StageTimes();
    /** Verification from search features, shared by the targets; null without re-detection. */
    private final SearchEmbedding searchEmbedding;
    /** Cuts between frames, after which every target must be verified where it is; null without re-detection. */
    private final SceneCut sceneCut;
    /** Slots of the LOST targets that scan on this frame (the first {@link #scanningCount} entries). */
    private final int[] scanning = new int[SCANNING_TARGETS_PER_FRAME];
    private int scanningCount;
    /** The slot from which the next frame looks for LOST targets to scan, so that each gets its turn. */
    private int scanCursor;

    /** A tracker over {@code model} and {@code preprocessor}, which it owns and closes. */
    MultiTargetTracker(SiameseModel model, CropPreprocessor preprocessor, TrackerParams params) {
        this.model = model;
        this.preprocessor = preprocessor;
        this.scoring = new Scoring(model.card(), params, model.scoreChannels());
        this.searchEmbedding = params.redetect() ? new SearchEmbedding(model.featureChannels(),
                model.searchFeatureSide(), templateFeatureSide(), model.card().instanceSize()) : null;
        this.sceneCut = params.redetect() ? new SceneCut() : null;
    }

    /** A tracker for the model in {@code modelDir} with default settings (CPU, one thread, the card's tuning). */
    public static MultiTargetTracker create(Path modelDir) throws ModelException {
        return create(modelDir, SiameseModel.Options.DEFAULT, TrackerParams.DEFAULT);
    }

    public static MultiTargetTracker create(Path modelDir, SiameseModel.Options options, TrackerParams params)
            throws ModelException {
        return create(modelDir, options, params, CropPreprocessors.Preference.AUTO);
    }

    /** As {@link #create(Path, SiameseModel.Options, TrackerParams)}, choosing the crop implementation. */
    public static MultiTargetTracker create(Path modelDir, SiameseModel.Options options, TrackerParams params,
                                            CropPreprocessors.Preference crop) throws ModelException {
        SiameseModel model = SiameseModel.load(modelDir, options);
        try {
            return new MultiTargetTracker(model, CropPreprocessors.create(SiameseTrackers.pixelSpec(model.card()), crop),
                    params);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /**
     * Starts tracking a new target inside {@code box} on {@code frame}; returns its frame-0 result (the box,
     * score 1, TRACKING).
     *
     * @throws IllegalArgumentException for a blank or duplicate id, a frame that is not 8-bit BGR, or a box
     *                                  that is empty or lies outside the frame
     */
    public TargetResult add(String id, Mat frame, Box box) {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("target id must not be blank");
        }
        if (indexOf(id) >= 0) {
            throw new IllegalArgumentException("target id '" + id + "' is already tracked");
        }
        checkFrame(frame);
        if (box == null || box.isAbsent() || !(box.w() > 0) || !(box.h() > 0)) {
            throw new IllegalArgumentException("target '" + id + "': box " + box + " must have a positive width and height");
        }
        if (box.x() + box.w() <= 0 || box.y() + box.h() <= 0 || box.x() >= frame.cols() || box.y() >= frame.rows()) {
            throw new IllegalArgumentException("target '" + id + "': box " + box + " lies outside the " + frame.cols()
                    + "x" + frame.rows() + " frame");
        }
        if (sceneCut != null) {
            // the next frame is compared with this one
            sceneCut.isCut(frame);
        }
        int slot = targets.size();
        model.reserve(slot + 1);
        TrackedTarget target = new TrackedTarget(id, scoring, frame, box, searchEmbedding, model.featureChannels(),
                sceneCut);
        target.cropExemplar(preprocessor, frame, model.templateInput());
        try {
            model.embedTemplate(slot);
        } catch (ModelException e) {
            throw new TrackingException(e.getMessage(), e);
        }
        if (searchEmbedding != null) {
            TargetEmbedder.pool(model.exemplarFeatures(), model.featureChannels(), templateFeatureSide(),
                    target.targetEmbedding());
        }
        targets.add(target);
        return new TargetResult(id, box, 1.0, TrackState.TRACKING);
    }

    /** Stops tracking {@code id}; false when no such target is tracked. */
    public boolean remove(String id) {
        int index = indexOf(id);
        if (index < 0) {
            return false;
        }
        targets.remove(index);
        for (int slot = index; slot < targets.size(); slot++) {
            model.copyTemplate(slot + 1, slot);
        }
        return true;
    }

    /** Stops tracking every target. */
    public void clear() {
        targets.clear();
    }

    /**
     * Locates every target on the next frame; the results come in the order the targets were added (empty
     * when there are none).
     *
     * @throws IllegalArgumentException when the frame is not a non-empty 8-bit BGR image
     * @throws TrackingException        when inference fails
     */
    public List<TargetResult> update(Mat frame) {
        checkFrame(frame);
        int n = targets.size();
        if (n == 0) {
            return List.of();
        }
        long t0 = System.nanoTime();
        boolean cut = sceneCut != null && sceneCut.isCut(frame);
        // LOST targets that scan and whose turn it is add scan windows after the targets' own slots, with copies
        // of their template, to the same backbone and head calls.
        int total = cropAll(frame, n);
        long t1 = System.nanoTime();
        long t2;
        try {
            model.embedSearch(total);
            t2 = System.nanoTime();
            model.runHead(total);
        } catch (ModelException e) {
            throw new TrackingException(e.getMessage(), e);
        }
        long t3 = System.nanoTime();
        List<TargetResult> results = locateAll(frame, n, cut);
        long t4 = System.nanoTime();
        times.crop = t1 - t0;
        times.backbone = t2 - t1;
        times.head = t3 - t2;
        times.post = t4 - t3;
        times.searchWindows = total;
        return results;
    }

    /**
     * Crops every target's search region and the scan windows of the targets that scan on this frame (after the
     * targets' own slots, each with a copy of its target's template); returns the number of crops.
     */
    private int cropAll(Mat frame, int n) {
        int windows = scoring.params.scanWindows();
        chooseScanning(n);
        int total = n + scanningCount * windows;
        model.reserve(total);
        for (int slot = 0; slot < n; slot++) {
            targets.get(slot).cropSearch(preprocessor, frame, model.searchInput(slot));
        }
        int next = n;
        for (int i = 0; i < scanningCount; i++) {
            int slot = scanning[i];
            for (int k = 0; k < windows; k++, next++) {
                model.copyTemplate(slot, next);
                targets.get(slot).cropScan(preprocessor, frame, k, model.searchInput(next));
            }
        }
        return total;
    }

    /** Each target's result from the head's answers for its own crop and, while re-detecting, its scan windows. */
    private List<TargetResult> locateAll(Mat frame, int n, boolean cut) {
        int windows = scoring.params.scanWindows();
        List<TargetResult> results = new ArrayList<>(n);
        int next = n;
        for (int slot = 0; slot < n; slot++) {
            TrackedTarget t = targets.get(slot);
            boolean redetecting = t.redetecting();
            TargetResult r = t.locate(model.scores(slot), model.boxes(slot), model.searchFeatures(slot), frame, cut);
            if (redetecting) {
                if (isScanning(slot)) {
                    for (int k = 0; k < windows; k++, next++) {
                        t.scanCandidate(k, model.scores(next), model.boxes(next), model.searchFeatures(next), frame);
                    }
                }
                TargetResult reacquired = t.takeCandidate();
                if (reacquired != null) {
                    r = reacquired;
                }
            }
            results.add(r);
        }
        return results;
    }

    /**
     * Picks, from {@link #scanCursor} on and wrapping around, at most {@link #SCANNING_TARGETS_PER_FRAME}
     * scanning targets (LOST long enough to scan), in slot order, and moves the cursor past the last one picked.
     */
    private void chooseScanning(int n) {
        scanningCount = 0;
        int start = scanCursor % n;
        for (int i = 0; i < n && scanningCount < SCANNING_TARGETS_PER_FRAME; i++) {
            int slot = (start + i) % n;
            if (targets.get(slot).scanning()) {
                scanning[scanningCount++] = slot;
                scanCursor = slot + 1;
            }
        }
        // The scan windows are laid out in slot order, the order in which the results loop reads them.
        Arrays.sort(scanning, 0, scanningCount);
    }

    private boolean isScanning(int slot) {
        for (int i = 0; i < scanningCount; i++) {
            if (scanning[i] == slot) {
                return true;
            }
        }
        return false;
    }

    /** Side of the template's feature map. */
    private int templateFeatureSide() {
        return (int) Math.round(Math.sqrt(model.exemplarFeatures().capacity() / (double) model.featureChannels()));
    }

    /** The ids tracked now, in the order they were added. */
    public List<String> ids() {
        List<String> ids = new ArrayList<>(targets.size());
        for (TrackedTarget t : targets) {
            ids.add(t.id);
        }
        return List.copyOf(ids);
    }

    public int size() {
        return targets.size();
    }

    /** A short label for reports, e.g. {@code siamtrack@siamtrack-v3s}. */
    public String name() {
        return "siamtrack@" + model.card().name();
    }

    public ModelCard card() {
        return model.card();
    }

    public SiameseModel model() {
        return model;
    }

    /** The crop implementation in use (native or opencv). */
    public String cropName() {
        return preprocessor.name();
    }

    /** Stage timings of the last update, over all targets (overwritten by the next one). */
    public StageTimes stageTimes() {
        return times;
    }

    /**
     * Search region and score map of target {@code id} on the last update, or null when it is not tracked or
     * has not been updated yet. The score map array is reused by the next update.
     */
    @Override
    public DebugInfo debugInfo(String id) {
        int index = indexOf(id);
        return index < 0 ? null : targets.get(index).debugInfo();
    }

    private int indexOf(String id) {
        for (int i = 0; i < targets.size(); i++) {
            if (targets.get(i).id.equals(id)) {
                return i;
            }
        }
        return -1;
    }

    private static void checkFrame(Mat frame) {
        if (frame == null || frame.empty() || frame.type() != CV_8UC3) {
            throw new IllegalArgumentException("frames must be non-empty 8-bit BGR images");
        }
    }

    /** Releases the model and the crop preprocessor. */
    @Override
    public void close() {
        targets.clear();
        if (sceneCut != null) {
            sceneCut.close();
        }
        preprocessor.close();
        model.close();
    }
}
