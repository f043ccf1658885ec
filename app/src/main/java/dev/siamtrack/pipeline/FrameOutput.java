package dev.siamtrack.pipeline;

/** Consumes tracked frames on the pipeline's output thread: the viewer, a recorder, a result writer. */
public interface FrameOutput extends AutoCloseable {

    /** Shows, records or writes the packet; must not keep it after returning. */
    void accept(FramePacket packet) throws Exception;

    /** True for the output that puts frames on screen: latency is measured when it returns. */
    default boolean presents() {
        return false;
    }

    /** Called once on the output thread after the last packet. */
    @Override
    default void close() throws Exception {
    }
}
