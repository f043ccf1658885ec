package dev.siamtrack.model;

import static dev.siamtrack.model.SiameseModel.BACKBONE_FILE;
import static dev.siamtrack.model.SiameseModel.HEAD_FILE;
import static dev.siamtrack.model.TensorLayout.batched;
import static dev.siamtrack.model.TensorLayout.directFloats;
import static dev.siamtrack.model.TensorLayout.elements;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;

/**
 * Loads and validates a model directory for {@link SiameseModel#load}: reads the two graphs and the optional
 * card, rewrites them to take a batch ({@link OnnxShapeEditor}), opens the sessions, checks their inputs and
 * outputs, runs each once to learn the feature and score shapes, and takes the card from {@code model.json}
 * or, without one, from {@link NanoTrackRecognition}. Every failure names the file and what was expected;
 * whatever was opened before it is closed.
 */
final class ModelLoader {

    /** What a loaded {@link SiameseModel} is made of; the model owns (and closes) all of it. */
    record Loaded(Path directory, ModelCard card, SessionFactory sessions, OrtSession backbone, OrtSession head,
                  byte[] headModel, boolean headPerBatchSize, TensorLayout layout,
                  FloatBuffer templateInput, OnnxTensor templateInputTensor,
                  FloatBuffer exemplarFeatures, OnnxTensor exemplarTensor) {
    }

    private final Path directory;
    private final SiameseModel.Options options;
    private SessionFactory sessions;
    private OrtSession backbone;
    private OrtSession head;
    private OnnxTensor templateInputTensor;
    private OnnxTensor exemplarTensor;
    private String backboneInput;
    private String backboneOutput;
    private String headTemplate;
    private String headSearch;
    private String headScore;
    private String headBox;

    private ModelLoader(Path directory, SiameseModel.Options options) {
        this.directory = directory;
        this.options = options;
    }

    static Loaded load(Path directory, SiameseModel.Options options) throws ModelException {
        ModelLoader loader = new ModelLoader(directory, options);
        try {
            return loader.loadUnsafe();
        } catch (ModelException | RuntimeException e) {
            loader.closeOpened();
            throw e;
        }
    }

    private void closeOpened() {
        for (OnnxTensor t : new OnnxTensor[] {templateInputTensor, exemplarTensor}) {
            if (t != null) {
                t.close();
            }
        }
        SessionFactory.closeQuietly(backbone);
        SessionFactory.closeQuietly(head);
        if (sessions != null) {
            sessions.close();
        }
    }

    private Loaded loadUnsafe() throws ModelException {
        if (!Files.isDirectory(directory)) {
            throw new ModelException("model directory " + directory + " does not exist"
                    + " (a model is a directory with backbone.onnx, head.onnx and optionally model.json)");
        }
        byte[] backboneModel = readModelFile(BACKBONE_FILE);
        byte[] headModel = readModelFile(HEAD_FILE);
        Path cardFile = directory.resolve(ModelCard.FILE_NAME);
        ModelCard declared = Files.exists(cardFile) ? ModelCard.read(cardFile) : null;
        byte[] backboneBytes;
        byte[] headBytes;
        boolean headPerBatchSize;
        try {
            backboneBytes = OnnxShapeEditor.makeBatchable(backboneModel, 1);
        } catch (IllegalArgumentException e) {
            throw new ModelException(directory.resolve(BACKBONE_FILE) + ": " + e.getMessage());
        }
        try {
            headPerBatchSize = OnnxShapeEditor.batchSizeFixed(headModel);
            headBytes = OnnxShapeEditor.makeBatchable(headModel, 1);
        } catch (IllegalArgumentException e) {
            throw new ModelException(directory.resolve(HEAD_FILE) + ": " + e.getMessage());
        }
        sessions = SessionFactory.create(options);
        backbone = sessions.open(backboneBytes, directory.resolve(BACKBONE_FILE));
        head = sessions.open(headBytes, directory.resolve(HEAD_FILE));
        checkBackbone(backboneModel);
        checkHead(headModel);
        try {
            return measure(declared, headModel, headPerBatchSize);
        } catch (OrtException e) {
            throw new ModelException(directory + ": cannot allocate tensors: " + e.getMessage(), e);
        }
    }

    /** Runs the backbone on an exemplar and a search crop and the head on their features, to learn every shape. */
    private Loaded measure(ModelCard declared, byte[] headModel, boolean headPerBatchSize)
            throws OrtException, ModelException {
        int exemplar = declared != null ? declared.exemplarSize() : 127;
        int instance = declared != null ? declared.instanceSize() : 255;
        long[] searchInputShape = {3, instance, instance};
        FloatBuffer templateInput = directFloats(3L * exemplar * exemplar);
        templateInputTensor = OnnxTensor.createTensor(sessions.environment(), templateInput, new long[] {1, 3, exemplar, exemplar});
        long[] templateShape = probe(templateInputTensor);
        long[] searchShape;
        try (OnnxTensor search = OnnxTensor.createTensor(sessions.environment(), directFloats(elements(searchInputShape)),
                batched(1, searchInputShape))) {
            searchShape = probe(search);
        }
        if (templateShape.length != 4 || searchShape.length != 4 || templateShape[1] != searchShape[1]) {
            throw new ModelException(directory.resolve(BACKBONE_FILE) + ": expected 4-D feature maps with the same"
                    + " channels for template and search, found " + Arrays.toString(templateShape)
                    + " and " + Arrays.toString(searchShape));
        }
        FloatBuffer exemplarFeatures = directFloats(elements(templateShape));
        exemplarTensor = OnnxTensor.createTensor(sessions.environment(), exemplarFeatures, templateShape);
        long[][] outputs = headOutputShapes(templateShape, searchShape, declared);
        long[] scores = outputs[0];
        long[] boxes = outputs[1];
        checkHeadOutputs(scores, boxes);
        ModelCard card = declared != null ? declared
                : NanoTrackRecognition.recognise(directory, (int) templateShape[1], (int) scores[2]);
        checkCard(card, declared != null, (int) scores[1], (int) scores[2]);
        TensorLayout layout = new TensorLayout(backboneInput, backboneOutput, headTemplate, headSearch, headScore, headBox,
                searchInputShape, Arrays.copyOfRange(templateShape, 1, 4), Arrays.copyOfRange(searchShape, 1, 4),
                Arrays.copyOfRange(scores, 1, 4), Arrays.copyOfRange(boxes, 1, 4));
        return new Loaded(directory, card, sessions, backbone, head, headModel, headPerBatchSize, layout,
                templateInput, templateInputTensor, exemplarFeatures, exemplarTensor);
    }

    /** The head's score and box shapes for one target, from a run on the backbone's (zero) features. */
    private long[][] headOutputShapes(long[] templateShape, long[] searchShape, ModelCard declared)
            throws OrtException, ModelException {
        try (OnnxTensor searchFeatures = OnnxTensor.createTensor(sessions.environment(), directFloats(elements(searchShape)), searchShape);
             OrtSession.Result r = head.run(Map.of(headTemplate, exemplarTensor, headSearch, searchFeatures))) {
            return new long[][] {
                ((TensorInfo) r.get(headScore).get().getInfo()).getShape(),
                ((TensorInfo) r.get(headBox).get().getInfo()).getShape()};
        } catch (OrtException e) {
            // without a card the search size is NanoTrack's; a head built for another one fails here
            throw new ModelException(directory.resolve(HEAD_FILE) + ": does not accept the backbone's features "
                    + Arrays.toString(templateShape) + " / " + Arrays.toString(searchShape)
                    + (declared != null ? "" : " (no model.json, so read as a NanoTrack export: 255x255 search)")
                    + ": " + e.getMessage(), e);
        }
    }

    /** The card must describe the score map the head produces. */
    private void checkCard(ModelCard card, boolean declared, int scoreChannels, int scoreSize) throws ModelException {
        if (card.scoreSize() != scoreSize) {
            throw new ModelException(directory.resolve(HEAD_FILE) + (declared
                    ? ": model.json says score_size " + card.scoreSize()
                    : ": no model.json, and NanoTrack's score map is " + card.scoreSize() + "x" + card.scoreSize())
                    + " but the head outputs " + scoreSize + "x" + scoreSize);
        }
        if (card.sigmoidScore() != (scoreChannels == 1)) {
            throw new ModelException(directory.resolve(HEAD_FILE) + ": classification output has "
                    + scoreChannels + " channel(s) but model.json declares "
                    + (card.sigmoidScore() ? "sigmoid (1 channel)" : "softmax2 (2 channels)"));
        }
    }

    private byte[] readModelFile(String name) throws ModelException {
        Path file = directory.resolve(name);
        if (!Files.isRegularFile(file)) {
            throw new ModelException(directory + ": missing " + name
                    + " (a model directory holds backbone.onnx, head.onnx and optionally model.json)");
        }
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ModelException(file + ": cannot read (" + e.getMessage() + ")");
        }
    }

    private long[] probe(OnnxTensor input) throws ModelException {
        try (OrtSession.Result r = backbone.run(Map.of(backboneInput, input))) {
            return ((TensorInfo) r.get(0).getInfo()).getShape();
        } catch (OrtException e) {
            throw new ModelException(directory.resolve(BACKBONE_FILE) + ": fails on a "
                    + Arrays.toString(input.getInfo().getShape()) + " input: " + SessionFactory.firstLine(e.getMessage()), e);
        }
    }

    private void checkBackbone(byte[] backboneModel) throws ModelException {
        Map<String, NodeInfo> in = infos(backbone, true, BACKBONE_FILE);
        Map<String, NodeInfo> out = infos(backbone, false, BACKBONE_FILE);
        if (in.size() != 1 || out.size() != 1) {
            throw new ModelException(directory.resolve(BACKBONE_FILE) + ": expected 1 input [1,3,H,W] and 1 output"
                    + " [1,C,h,w], found " + declared(backboneModel, backbone));
        }
        Map.Entry<String, NodeInfo> input = in.entrySet().iterator().next();
        long[] shape = shapeOf(input.getValue());
        if (shape.length != 4 || (shape[1] != 3 && shape[1] > 0)) {
            throw new ModelException(directory.resolve(BACKBONE_FILE) + ": expected input [1,3,H,W], found "
                    + declared(backboneModel, backbone));
        }
        backboneInput = input.getKey();
        backboneOutput = out.keySet().iterator().next();
    }

    private void checkHead(byte[] headModel) throws ModelException {
        Map<String, NodeInfo> in = infos(head, true, HEAD_FILE);
        Map<String, NodeInfo> out = infos(head, false, HEAD_FILE);
        if (in.size() != 2 || out.size() != 2) {
            throw new ModelException(directory.resolve(HEAD_FILE) + ": expected inputs input1 (template features)"
                    + " and input2 (search features) and outputs output1 (scores) and output2 (boxes), found "
                    + declared(headModel, head));
        }
        Iterator<String> inNames = in.keySet().iterator();
        Iterator<String> outNames = out.keySet().iterator();
        headTemplate = in.containsKey("input1") ? "input1" : inNames.next();
        headSearch = in.containsKey("input2") ? "input2" : inNames.next();
        headScore = out.containsKey("output1") ? "output1" : outNames.next();
        headBox = out.containsKey("output2") ? "output2" : outNames.next();
    }

    /**
     * The inputs and outputs a model file declares, for error messages: read from a session over the file as
     * it is, since the loaded session's shapes are the rewritten, symbolic ones.
     */
    private String declared(byte[] model, OrtSession loaded) throws ModelException {
        try (OrtSession original = sessions.openOrThrow(model)) {
            return "inputs " + describe(original.getInputInfo()) + " and outputs " + describe(original.getOutputInfo());
        } catch (OrtException e) {
            return "inputs " + describe(infos(loaded, true, "")) + " and outputs " + describe(infos(loaded, false, ""));
        }
    }

    private void checkHeadOutputs(long[] scoreShape, long[] boxShape) throws ModelException {
        boolean scoreOk = scoreShape.length == 4 && (scoreShape[1] == 1 || scoreShape[1] == 2)
                && scoreShape[2] == scoreShape[3];
        boolean boxOk = boxShape.length == 4 && boxShape[1] == 4 && boxShape[2] == scoreShape[2]
                && boxShape[3] == scoreShape[3];
        if (!scoreOk || !boxOk) {
            throw new ModelException(directory.resolve(HEAD_FILE) + ": expected outputs scores [1,2,S,S] (or"
                    + " [1,1,S,S]) and boxes [1,4,S,S], found " + Arrays.toString(scoreShape) + " and "
                    + Arrays.toString(boxShape));
        }
    }

    private Map<String, NodeInfo> infos(OrtSession s, boolean inputs, String file) throws ModelException {
        try {
            return inputs ? s.getInputInfo() : s.getOutputInfo();
        } catch (OrtException e) {
            throw new ModelException(directory.resolve(file) + ": cannot read its inputs/outputs: " + e.getMessage(), e);
        }
    }

    private static long[] shapeOf(NodeInfo info) {
        return info.getInfo() instanceof TensorInfo t ? t.getShape() : new long[0];
    }

    private static String describe(Map<String, NodeInfo> infos) {
        StringBuilder sb = new StringBuilder("{");
        for (Map.Entry<String, NodeInfo> e : infos.entrySet()) {
            if (sb.length() > 1) {
                sb.append(", ");
            }
            sb.append(e.getKey()).append(' ').append(Arrays.toString(shapeOf(e.getValue())));
        }
        return sb.append('}').toString();
    }
}
