package dev.siamtrack.model;

/** A model cannot be loaded or run; the message names the file and what was expected vs found. */
public class ModelException extends Exception {
    public ModelException(String message) {
        super(message);
    }

    public ModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
