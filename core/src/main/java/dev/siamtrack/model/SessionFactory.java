package dev.siamtrack.model;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import java.nio.file.Path;

/**
 * ONNX Runtime sessions for one model, all made with the same options: graph optimisation on, the requested
 * thread count, and the CUDA provider when asked for and available (else CPU, with the reason in
 * {@link #deviceNote()}, or a failure when the device is strict).
 */
final class SessionFactory implements AutoCloseable {

    private final OrtEnvironment env;
    private final OrtSession.SessionOptions sessionOptions;
    private final Device device;
    private final String deviceNote;

    private SessionFactory(OrtEnvironment env, OrtSession.SessionOptions sessionOptions, Device device, String deviceNote) {
        this.env = env;
        this.sessionOptions = sessionOptions;
        this.device = device;
        this.deviceNote = deviceNote;
    }

    static SessionFactory create(SiameseModel.Options options) throws ModelException {
        OrtEnvironment env = startEnvironment();
        OrtSession.SessionOptions so = new OrtSession.SessionOptions();
        try {
            so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            so.setIntraOpNumThreads(Math.max(1, options.threads()));
            so.setInterOpNumThreads(1);
            // denormals are noise for tracking scores and slow some CPUs' float pipelines down
            so.addConfigEntry("session.set_denormal_as_zero", "1");
        } catch (OrtException e) {
            so.close();
            throw new ModelException("cannot configure ONNX Runtime: " + e.getMessage(), e);
        }
        if (!options.device().cuda()) {
            return new SessionFactory(env, so, Device.CPU, null);
        }
        try {
            so.addCUDA(options.device().index());
            return new SessionFactory(env, so, options.device(), null);
        } catch (OrtException | UnsatisfiedLinkError e) {
            String reason = "CUDA execution provider unavailable (" + firstLine(e.getMessage()) + ")";
            if (options.strictDevice()) {
                so.close();
                throw new ModelException(reason + "; --strict was given, so not falling back to CPU");
            }
            return new SessionFactory(env, so, Device.CPU, reason + "; running on CPU");
        }
    }

    private static OrtEnvironment startEnvironment() throws ModelException {
        try {
            OrtEnvironment env = OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR, "siamtrack");
            env.setTelemetry(false);
            return env;
        } catch (OrtException e) {
            throw new ModelException("cannot start ONNX Runtime: " + e.getMessage(), e);
        }
    }

    OrtEnvironment environment() {
        return env;
    }

    /** The device sessions run on (CPU after a CUDA fallback). */
    Device device() {
        return device;
    }

    /** Why the requested device was not used, or null. */
    String deviceNote() {
        return deviceNote;
    }

    /** A session over {@code model}; {@code file} names it in the error when the bytes are not a loadable model. */
    OrtSession open(byte[] model, Path file) throws ModelException {
        try {
            return env.createSession(model, sessionOptions);
        } catch (OrtException e) {
            throw new ModelException(file + ": not a loadable ONNX model (" + firstLine(e.getMessage()) + ")", e);
        }
    }

    /** A session over {@code model}, letting ONNX Runtime's exception through for callers with their own wording. */
    OrtSession openOrThrow(byte[] model) throws OrtException {
        return env.createSession(model, sessionOptions);
    }

    static void closeQuietly(OrtSession session) {
        if (session != null) {
            try {
                session.close();
            } catch (OrtException ignored) {
                // closing a session that failed to run; nothing left to release
            }
        }
    }

    static String firstLine(String s) {
        if (s == null) {
            return "no details";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    @Override
    public void close() {
        sessionOptions.close();
    }
}
