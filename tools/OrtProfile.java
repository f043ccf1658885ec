import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * One-off ONNX Runtime study of a model directory on this CPU (not part of the engine): the backbone on one
 * search crop and the head, 1 intra-op thread, batch 1. Times the session-option variants below against the
 * engine's settings, interleaved run by run (so load from other processes hits all alike), as wall time and
 * as the calling thread's CPU time (with 1 intra-op thread ONNX Runtime computes on the calling thread, so
 * that is all the work, and other processes inflate it far less), and with --profile prints ONNX Runtime's
 * per-op-type profile of the engine's settings.
 *
 * <pre>
 * java -cp "$(cat app/target/classpath.txt)" tools/OrtProfile.java models/siamtrack-v3s 191 --profile
 * </pre>
 */
public final class OrtProfile {

    private static final int TEMPLATE_CELLS = 8;
    private static final int TOP_NODES = 4;

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: OrtProfile MODEL_DIR SEARCH_SIZE [--iterations N] [--profile]");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        int search = Integer.parseInt(args[1]);
        List<String> rest = Arrays.asList(args).subList(2, args.length);
        int iterations = rest.contains("--iterations") ? Integer.parseInt(rest.get(rest.indexOf("--iterations") + 1)) : 300;
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        Map<String, OrtSession.SessionOptions> variants = new LinkedHashMap<>();
        variants.put("engine (ALL, denormals 0)", engineOptions());
        OrtSession.SessionOptions noSpin = engineOptions();
        noSpin.addConfigEntry("session.intra_op.allow_spinning", "0");
        variants.put("+ allow_spinning 0", noSpin);
        OrtSession.SessionOptions noPrepack = engineOptions();
        noPrepack.addConfigEntry("session.disable_prepacking", "1");
        variants.put("+ disable_prepacking", noPrepack);
        OrtSession.SessionOptions extended = engineOptions();
        extended.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.EXTENDED_OPT);
        variants.put("EXTENDED (no NCHWc layout)", extended);
        OrtSession.SessionOptions parallel = engineOptions();
        parallel.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.PARALLEL);
        variants.put("+ execution mode PARALLEL", parallel);

        byte[] backboneBytes = Files.readAllBytes(dir.resolve("backbone.onnx"));
        byte[] headBytes = Files.readAllBytes(dir.resolve("head.onnx"));
        List<Case> cases = new ArrayList<>();
        for (Map.Entry<String, OrtSession.SessionOptions> v : variants.entrySet()) {
            cases.add(new Case(v.getKey(), env, env.createSession(backboneBytes, v.getValue()),
                    env.createSession(headBytes, v.getValue()), search));
        }
        for (int i = 0; i < iterations; i++) {
            for (Case c : cases) {
                c.runOnce(i >= iterations / 10);
            }
        }
        System.out.printf(Locale.ROOT, "%s, search %d, 1 thread, %d runs each (interleaved), median ms:%n", dir, search, iterations);
        System.out.printf(Locale.ROOT, "%-30s %9s %9s %9s %9s %9s %9s%n", "session options", "backbone", "head",
                "ratio", "cpu bb", "cpu head", "ratio");
        Case base = cases.get(0);
        for (Case c : cases) {
            System.out.printf(Locale.ROOT, "%-30s %9.3f %9.3f %9.3f %9.3f %9.3f %9.3f%n", c.name, median(c.backbone),
                    median(c.head), c.total() / base.total(), median(c.backboneCpu), median(c.headCpu),
                    c.totalCpu() / base.totalCpu());
        }
        if (rest.contains("--profile")) {
            for (String part : List.of("backbone", "head")) {
                OrtSession.SessionOptions so = engineOptions();
                so.enableProfiling(Files.createTempDirectory("ort-profile").resolve(part).toString());
                Case c = new Case(part, env, env.createSession(backboneBytes, so), env.createSession(headBytes, so), search);
                for (int i = 0; i < iterations; i++) {
                    c.runOnce(true);
                }
                String file = (part.equals("backbone") ? c.backboneSession : c.headSession).endProfiling();
                summarise(part, Path.of(file), iterations);
            }
        }
    }

    private static OrtSession.SessionOptions engineOptions() throws Exception {
        OrtSession.SessionOptions so = new OrtSession.SessionOptions();
        so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        so.setIntraOpNumThreads(1);
        so.setInterOpNumThreads(1);
        so.addConfigEntry("session.set_denormal_as_zero", "1");
        return so;
    }

    /** Kernel time per op type and the slowest nodes (ms per run) from ONNX Runtime's trace, largest first. */
    private static void summarise(String part, Path trace, int runs) throws Exception {
        JsonNode events = new ObjectMapper().readTree(trace.toFile());
        Map<String, double[]> byOp = new TreeMap<>();
        Map<String, Double> byNode = new TreeMap<>();
        for (JsonNode e : events) {
            if (e.path("cat").asText().equals("Node") && e.path("name").asText().endsWith("_kernel_time")) {
                double[] acc = byOp.computeIfAbsent(e.path("args").path("op_name").asText(), k -> new double[2]);
                acc[0] += e.path("dur").asDouble() / 1000.0 / runs;
                acc[1] += 1.0 / runs;
                String node = e.path("name").asText().replace("_kernel_time", "") + " (" + e.path("args").path("op_name").asText() + ")";
                byNode.merge(node, e.path("dur").asDouble() / 1000.0 / runs, Double::sum);
            }
        }
        double total = byOp.values().stream().mapToDouble(a -> a[0]).sum();
        System.out.printf(Locale.ROOT, "%s profile (%s): %.3f ms kernel time per run%n", part, trace, total);
        byOp.entrySet().stream().sorted((a, b) -> Double.compare(b.getValue()[0], a.getValue()[0]))
                .forEach(e -> System.out.printf(Locale.ROOT, "  %-24s %8.3f ms %5.1f%% %4.0f nodes%n", e.getKey(),
                        e.getValue()[0], 100 * e.getValue()[0] / total, e.getValue()[1]));
        System.out.println("  slowest nodes:");
        byNode.entrySet().stream().sorted((a, b) -> Double.compare(b.getValue(), a.getValue())).limit(TOP_NODES)
                .forEach(e -> System.out.printf(Locale.ROOT, "    %8.3f ms %5.1f%%  %s%n", e.getValue(),
                        100 * e.getValue() / total, e.getKey()));
    }

    private static double median(List<Double> xs) {
        double[] a = xs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return a[a.length / 2];
    }

    private static final class Case {
        final String name;
        final OrtSession backboneSession;
        final OrtSession headSession;
        final Map<String, OnnxTensor> backboneIn;
        final Map<String, OnnxTensor> headIn;
        final List<Double> backbone = new ArrayList<>();
        final List<Double> head = new ArrayList<>();
        final List<Double> backboneCpu = new ArrayList<>();
        final List<Double> headCpu = new ArrayList<>();
        final ThreadMXBean threads = ManagementFactory.getThreadMXBean();

        Case(String name, OrtEnvironment env, OrtSession backboneSession, OrtSession headSession, int search) throws Exception {
            this.name = name;
            this.backboneSession = backboneSession;
            this.headSession = headSession;
            Random rng = new Random(0);
            String in = backboneSession.getInputNames().iterator().next();
            backboneIn = Map.of(in, random(env, rng, new long[] {1, 3, search, search}, 255));
            long[] features;
            try (OrtSession.Result r = backboneSession.run(backboneIn)) {
                features = ((OnnxTensor) r.get(0)).getInfo().getShape();
            }
            List<String> headNames = new ArrayList<>(headSession.getInputNames());
            long[] template = {1, features[1], TEMPLATE_CELLS, TEMPLATE_CELLS};
            headIn = Map.of(headNames.get(0), random(env, rng, template, 4),
                    headNames.get(1), random(env, rng, features, 4));
        }

        void runOnce(boolean record) throws Exception {
            long c0 = threads.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            backboneSession.run(backboneIn).close();
            long c1 = threads.getCurrentThreadCpuTime();
            long t1 = System.nanoTime();
            headSession.run(headIn).close();
            long c2 = threads.getCurrentThreadCpuTime();
            long t2 = System.nanoTime();
            if (record) {
                backbone.add((t1 - t0) / 1e6);
                head.add((t2 - t1) / 1e6);
                backboneCpu.add((c1 - c0) / 1e6);
                headCpu.add((c2 - c1) / 1e6);
            }
        }

        double total() {
            return median(backbone) + median(head);
        }

        double totalCpu() {
            return median(backboneCpu) + median(headCpu);
        }

        private static OnnxTensor random(OrtEnvironment env, Random rng, long[] shape, float scale) throws Exception {
            int n = (int) Arrays.stream(shape).reduce(1, (a, b) -> a * b);
            FloatBuffer b = FloatBuffer.allocate(n);
            for (int i = 0; i < n; i++) {
                b.put(rng.nextFloat() * scale);
            }
            b.rewind();
            return OnnxTensor.createTensor(env, b, shape);
        }
    }
}
