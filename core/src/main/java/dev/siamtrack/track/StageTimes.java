package dev.siamtrack.track;

/** Nanoseconds spent in each stage of a tracker's last update, over all its targets: for {@code bench}. */
public final class StageTimes {
    /** Cropping and normalising every target's search region. */
    public long crop;
    /** The backbone call that embeds all search regions. */
    public long backbone;
    /** The head call that scores all targets. */
    public long head;
    /** Choosing every target's box and state. */
    public long post;
    /** Search windows embedded: one per target plus the scan windows of the LOST targets whose turn it was. */
    public int searchWindows;
}
