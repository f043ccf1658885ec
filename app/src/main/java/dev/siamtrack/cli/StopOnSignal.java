package dev.siamtrack.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs a tracking loop so that Ctrl-C / SIGTERM first asks it to stop, then waits (5 s at most) for it to
 * return, close its outputs and report: result files and videos keep every frame tracked so far, and the
 * summary is printed before the JVM exits.
 */
final class StopOnSignal {

    private StopOnSignal() {
    }

    /** The loop to run; it returns normally (or fails) once asked to stop. */
    interface Work<T, E extends Exception> {
        T call() throws E;
    }

    /** Runs {@code work}, then {@code report} with its result, and returns it; a signal waits for both. */
    static <T, E extends Exception> T run(Runnable requestStop, Work<T, E> work, Consumer<? super T> report) throws E {
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            requestStop.run();
            try {
                finished.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "siamtrack-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            T result = work.call();
            report.accept(result);
            return result;
        } finally {
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException alreadyShuttingDown) {
                // the hook is running and has been released by the latch
            }
        }
    }
}
