package dev.siamtrack.video;

/** A frame source cannot be opened or read: a user-facing message, no stack trace needed. */
public class SourceException extends Exception {
    public SourceException(String message) {
        super(message);
    }

    public SourceException(String message, Throwable cause) {
        super(message, cause);
    }
}
