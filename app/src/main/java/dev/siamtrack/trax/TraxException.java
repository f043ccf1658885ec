package dev.siamtrack.trax;

/** Something the client sent that the protocol or this server does not accept; the message is the quit reason. */
public final class TraxException extends Exception {
    public TraxException(String message) {
        super(message);
    }
}
