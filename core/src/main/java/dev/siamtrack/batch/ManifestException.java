package dev.siamtrack.batch;

/** A manifest that cannot be used at all: missing, unreadable or without the expected header. */
public class ManifestException extends Exception {
    public ManifestException(String message) {
        super(message);
    }
}
