package dev.siamtrack.eval;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * ROC analysis of a same/different decision "similarity >= threshold": the curve over every distinct
 * similarity, its area (trapezoids; ties count half, as the Mann-Whitney statistic) and the equal-error rate,
 * the point where the false-accept rate (different pairs taken as same) meets the false-reject rate.
 *
 * @param fpr         false-accept rate per point, from (0, 0) to (1, 1)
 * @param tpr         true-accept rate per point
 * @param auc         area under the curve
 * @param eer         (FAR + FRR) / 2 at the threshold where they are closest
 * @param eerThreshold the similarity threshold of that point
 */
public record Roc(double[] fpr, double[] tpr, double auc, double eer, double eerThreshold) {

    /** A scored pair: its similarity and whether it shows the same target. */
    public record Scored(double similarity, boolean same) {
    }

    public static Roc of(List<Scored> pairs) {
        long positives = pairs.stream().filter(Scored::same).count();
        long negatives = pairs.size() - positives;
        if (positives == 0 || negatives == 0) {
            throw new IllegalArgumentException("ROC needs same and different pairs, got " + positives + " same and "
                    + negatives + " different");
        }
        List<Scored> sorted = new ArrayList<>(pairs);
        sorted.sort(Comparator.comparingDouble(Scored::similarity).reversed());
        List<double[]> points = new ArrayList<>();
        points.add(new double[] {0, 0, Double.POSITIVE_INFINITY});
        int tp = 0;
        int fp = 0;
        double auc = 0;
        double bestGap = Double.POSITIVE_INFINITY;
        double eer = Double.NaN;
        double eerThreshold = Double.NaN;
        for (int i = 0; i < sorted.size(); i++) {
            Scored s = sorted.get(i);
            if (s.same()) {
                tp++;
            } else {
                fp++;
            }
            boolean lastOfTie = i + 1 == sorted.size() || sorted.get(i + 1).similarity() != s.similarity();
            if (!lastOfTie) {
                continue;
            }
            double[] prev = points.get(points.size() - 1);
            double x = (double) fp / negatives;
            double y = (double) tp / positives;
            auc += (x - prev[0]) * (y + prev[1]) / 2;
            points.add(new double[] {x, y, s.similarity()});
            double far = x;
            double frr = 1 - y;
            if (Math.abs(far - frr) < bestGap) {
                bestGap = Math.abs(far - frr);
                eer = (far + frr) / 2;
                eerThreshold = s.similarity();
            }
        }
        return new Roc(points.stream().mapToDouble(p -> p[0]).toArray(), points.stream().mapToDouble(p -> p[1]).toArray(),
                auc, eer, eerThreshold);
    }

    /** Share of {@code pairs} whose decision at {@code threshold} is right. */
    public static double accuracy(List<Scored> pairs, double threshold) {
        return pairs.stream().filter(p -> (p.similarity() >= threshold) == p.same()).count() / (double) pairs.size();
    }
}
