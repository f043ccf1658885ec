package dev.siamtrack.eval;

import java.util.List;

/**
 * What a report is written from.
 *
 * @param status   whether the run is still going, was interrupted, or covered every sequence
 * @param outcomes finished sequences, sorted by name
 */
public record ReportData(String dataset, String datasetDir, int threads, Status status, List<String> trackers,
                        List<SequenceOutcome> outcomes, List<Datasets.Skipped> skipped, List<String> warnings) {

    public enum Status { RUNNING, INTERRUPTED, COMPLETE }
}
