package dev.siamtrack.eval;

import java.util.List;

/**
 * What a report is written from.
 *
 * @param complete false when the run was interrupted and the report covers only finished sequences
 * @param outcomes finished sequences, sorted by name
 */
public record ReportData(String dataset, String datasetDir, int threads, boolean complete, List<String> trackers,
                        List<SequenceOutcome> outcomes, List<Datasets.Skipped> skipped, List<String> warnings) {
}
