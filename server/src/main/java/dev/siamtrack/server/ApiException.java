package dev.siamtrack.server;

/** A request the API refuses: the HTTP status and a one-line message for the JSON error body. */
final class ApiException extends RuntimeException {

    private final int status;

    ApiException(int status, String message) {
        super(message);
        this.status = status;
    }

    int status() {
        return status;
    }
}
