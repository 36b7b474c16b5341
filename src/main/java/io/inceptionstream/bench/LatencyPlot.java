package io.inceptionstream.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Draws {@link LatencyBenchmark}'s sweeps as one PNG: end-to-end p50, p95 and p99 (ms, log scale)
 * against offered load, one colour per batching mode, one line style per percentile. Headless;
 * stateless.
 */
final class LatencyPlot {

  private static final Color[] COLOURS = {
    new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0x9467bd)
  };

  private LatencyPlot() {}

  static void write(LatencyBenchmark.Result r, LatencyBenchmark.Settings s, Path png, String note)
      throws IOException {
    System.setProperty("java.awt.headless", "true");
    String title =
        String.format(
            "End-to-end latency vs offered load (%s, %d cores, batch.max-delay %d ms)",
            s.engine(), Runtime.getRuntime().availableProcessors(), s.maxDelay().toMillis());
    XYChart chart =
        new XYChartBuilder()
            .width(1200)
            .height(650)
            .title(note == null || note.isBlank() ? title : title + " - " + note)
            .xAxisTitle(
                String.format(
                    "offered images/s (ceiling %.1f/s = 100 %%, measured with batch.max-size=%s)",
                    r.ceilingPerSecond(), r.sweeps().get(0).mode()))
            .yAxisTitle("latency, ms (log scale)")
            .build();
    chart.getStyler().setYAxisLogarithmic(true);
    chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
    chart.getStyler().setChartBackgroundColor(Color.WHITE);
    chart.getStyler().setPlotGridLinesVisible(true);
    chart.getStyler().setXAxisDecimalPattern("0.#");
    chart.getStyler().setYAxisDecimalPattern("0");
    String[] names = {"p50", "p95", "p99"};
    BasicStroke[] strokes = {
      new BasicStroke(1.5f),
      new BasicStroke(
          1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, new float[] {6f, 4f}, 0f),
      new BasicStroke(2.5f)
    };
    int m = 0;
    for (LatencyBenchmark.Sweep sweep : r.sweeps()) {
      Color colour = COLOURS[m++ % COLOURS.length];
      String label =
          sweep.mode().equals("auto")
              ? "auto (chose " + sweep.chosenBatchSize() + ")"
              : "batch " + sweep.mode();
      for (int q = 0; q < names.length; q++) {
        List<Double> x = new ArrayList<>();
        List<Double> y = new ArrayList<>();
        for (LatencyBenchmark.Point p : sweep.points()) {
          double v = q == 0 ? p.p50Ms() : q == 1 ? p.p95Ms() : p.p99Ms();
          if (!Double.isNaN(v)) {
            x.add(p.offeredPerSecond());
            y.add(Math.max(1, v)); // log scale: nothing below 1 ms
          }
        }
        if (x.isEmpty()) {
          continue;
        }
        XYSeries series = chart.addSeries(label + " " + names[q], x, y);
        series.setLineColor(colour);
        series.setMarkerColor(colour);
        series.setLineStyle(strokes[q]);
        series.setMarker(q == 2 ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
      }
    }
    String file = png.toString();
    BitmapEncoder.saveBitmap(
        chart, file.substring(0, file.length() - ".png".length()), BitmapEncoder.BitmapFormat.PNG);
  }
}
