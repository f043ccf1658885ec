package dev.siamtrack.eval;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The OTB success and precision plots, one curve per tracker, as PNG files. */
public final class Plots {

    private static final int WIDTH = 640;
    private static final int HEIGHT = 480;

    private Plots() {
    }

    public static void write(Path dir, ReportData data) throws IOException {
        if (data.outcomes().isEmpty()) {
            return;
        }
        // Charts are drawn into images only; no display is needed. ImageIO's file cache registers a shutdown
        // hook, which fails while the Ctrl-C hook writes the plots: encode in memory instead.
        System.setProperty("java.awt.headless", "true");
        ImageIO.setUseCache(false);
        XYChart success = chart("Success plot of OPE on " + data.dataset(), "Overlap threshold", "Success rate");
        XYChart precision = chart("Precision plot of OPE on " + data.dataset(), "Location error threshold (px)", "Precision");
        for (String label : data.trackers()) {
            Report.TrackerSummary s = Report.summarise(label, data.outcomes());
            success.addSeries(String.format(Locale.ROOT, "%s [AUC %.3f]", label, s.score().auc()),
                    Metrics.OVERLAP_THRESHOLDS, s.score().success()).setMarker(SeriesMarkers.NONE);
            precision.addSeries(String.format(Locale.ROOT, "%s [P@20 %.3f]", label, s.score().precision20()),
                    Metrics.PIXEL_THRESHOLDS, s.score().precision()).setMarker(SeriesMarkers.NONE);
        }
        success.getStyler().setLegendPosition(Styler.LegendPosition.InsideSW);
        precision.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE);
        BitmapEncoder.saveBitmap(success, dir.resolve("success.png").toString(), BitmapEncoder.BitmapFormat.PNG);
        BitmapEncoder.saveBitmap(precision, dir.resolve("precision.png").toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    private static XYChart chart(String title, String xTitle, String yTitle) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title)
                .xAxisTitle(xTitle).yAxisTitle(yTitle).build();
        chart.getStyler().setYAxisMin(0.0).setYAxisMax(1.0).setChartBackgroundColor(Color.WHITE);
        return chart;
    }
}
