package dev.siamtrack.render;

/** No viewer can be opened here (no display, no OpenGL); the message says why and what to do. */
public class ViewerUnavailableException extends Exception {
    public ViewerUnavailableException(String message) {
        super(message);
    }
}
