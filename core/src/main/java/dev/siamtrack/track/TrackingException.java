package dev.siamtrack.track;

/** Inference failed while tracking (not a user mistake). */
public class TrackingException extends RuntimeException {
    public TrackingException(String message, Throwable cause) {
        super(message, cause);
    }
}
