package dev.vectornn.cli;

import dev.vectornn.io.AtomicFiles;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Draws a run's {@code loss.png} with XChart: the training loss of every step (a thin line) and the
 * validation loss at each evaluation (a line with markers), against the iteration.
 */
final class LossPlot {
    static {
        // Off-screen drawing only; never try to open a display (see Main.main, which sets it too).
        if (System.getProperty("java.awt.headless") == null) System.setProperty("java.awt.headless", "true");
    }

    private LossPlot() {}

    /**
     * Writes the plot of {@code rows} to {@code file} (PNG, replaced atomically).
     *
     * @param title the chart title, e.g. the run folder's name
     * @throws IOException if the image cannot be written
     */
    static void write(Path file, String title, List<MetricsLog.Row> rows) throws IOException {
        XYChart chart = new XYChartBuilder().width(900).height(520).title(title).xAxisTitle("iteration")
                .yAxisTitle("loss (cross-entropy, nats)").build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setPlotGridLinesColor(new Color(225, 225, 225));
        chart.getStyler().setXAxisDecimalPattern("#,###");
        chart.getStyler().setXAxisMin(0.0); // from 0, so the ticks fall on round iterations
        chart.getStyler().setYAxisDecimalPattern("0.00");
        double[] x = new double[rows.size()], y = new double[rows.size()];
        int nv = 0;
        for (int i = 0; i < rows.size(); i++) {
            x[i] = rows.get(i).iteration();
            y[i] = finite(rows.get(i).trainLoss());
            if (rows.get(i).evaluated()) nv++;
        }
        double[] vx = new double[nv], vy = new double[nv];
        for (int i = 0, j = 0; i < rows.size(); i++) {
            if (rows.get(i).evaluated()) {
                vx[j] = rows.get(i).iteration();
                vy[j++] = finite(rows.get(i).valLoss());
            }
        }
        if (rows.isEmpty()) { // XChart refuses an empty series; an empty plot still marks the file as current
            x = new double[] {0};
            y = new double[] {Double.NaN};
        }
        XYSeries train = chart.addSeries("train", x, y);
        train.setMarker(SeriesMarkers.NONE);
        train.setLineColor(new Color(31, 119, 180));
        train.setLineStyle(new BasicStroke(1f));
        if (nv > 0) {
            XYSeries val = chart.addSeries("validation", vx, vy);
            val.setMarker(SeriesMarkers.CIRCLE);
            val.setLineColor(new Color(255, 127, 14));
            val.setMarkerColor(new Color(255, 127, 14));
            val.setLineStyle(new BasicStroke(2f));
        }
        BufferedImage image = BitmapEncoder.getBufferedImage(chart);
        AtomicFiles.write(file, out -> {
            if (!ImageIO.write(image, "png", out)) throw new IOException("this JDK has no PNG writer");
        });
    }

    /** A diverged step's NaN or infinite loss would stretch the axis to nothing; leave a gap instead. */
    private static double finite(double v) {
        return Double.isFinite(v) ? v : Double.NaN;
    }
}
