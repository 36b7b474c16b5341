package io.inceptionstream.train;

import io.inceptionstream.image.Preprocessor;
import io.inceptionstream.image.RgbImage;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.geom.AffineTransform;
import java.awt.geom.Area;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;

/**
 * A procedural 10-class data set of 32x32 images: one filled shape on a random background, with
 * random colours, size, position, small rotations, gradients and pixel noise. Image {@code i} of
 * seed {@code s} depends only on {@code (s, i)}, so any slice can be regenerated exactly, and its
 * class is {@code i % 10}, so every prefix is balanced. Rotations stay small where a large one
 * would turn one class into another (a square rotated 45 degrees is a diamond, a horizontal bar
 * rotated 90 degrees is a vertical one). Thread-safe and stateless.
 */
public final class ShapeGenerator {

  /** The class names in label order. */
  public static final List<String> CLASSES =
      List.of(
          "circle",
          "square",
          "triangle",
          "cross",
          "star",
          "ring",
          "horizontal-bar",
          "vertical-bar",
          "diamond",
          "heart");

  private static final int SIZE = Preprocessor.SIZE;

  /** Shapes are drawn at 4x and area-averaged down, for clean anti-aliasing. */
  private static final int SCALE = 4;

  private ShapeGenerator() {}

  /**
   * One generated image with its label.
   *
   * @param image the 32x32 picture
   * @param label index into {@link #CLASSES}
   */
  public record Sample(RgbImage image, int label) {

    /** The class name. */
    public String className() {
      return CLASSES.get(label);
    }

    /** The image as PNG bytes. */
    public byte[] png() {
      return ShapeGenerator.png(image);
    }
  }

  /** Generates image {@code index} of the set with the given seed. */
  public static Sample sample(long seed, long index) {
    int label = (int) Math.floorMod(index, (long) CLASSES.size());
    SplittableRandom r = new SplittableRandom(mix(seed, index));
    int big = SIZE * SCALE;
    BufferedImage canvas = new BufferedImage(big, big, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = canvas.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      Color bg = randomColour(r);
      Color bg2 = r.nextDouble() < 0.5 ? bg : jitter(bg, r, 60);
      g.setPaint(new java.awt.GradientPaint(0, 0, bg, big * (float) r.nextDouble(), big, bg2));
      g.fillRect(0, 0, big, big);
      Color fg = contrasting(bg, r);
      g.setColor(fg);
      double radius = (7 + r.nextDouble() * 7) * SCALE;
      double slack = SIZE * SCALE / 2.0 - radius;
      double cx = big / 2.0 + (r.nextDouble() * 2 - 1) * Math.max(0, slack) * 0.8;
      double cy = big / 2.0 + (r.nextDouble() * 2 - 1) * Math.max(0, slack) * 0.8;
      Shape shape = shape(label, radius, r);
      AffineTransform at = new AffineTransform();
      at.translate(cx, cy);
      at.rotate(Math.toRadians(rotation(label, r)));
      g.fill(at.createTransformedShape(shape));
    } finally {
      g.dispose();
    }
    return new Sample(downsampleWithNoise(canvas, r), label);
  }

  private static Shape shape(int label, double rad, SplittableRandom r) {
    switch (CLASSES.get(label)) {
      case "circle" -> {
        double a = 0.9 + r.nextDouble() * 0.2;
        return new Ellipse2D.Double(-rad * a, -rad / a, 2 * rad * a, 2 * rad / a);
      }
      case "square" -> {
        double s = rad * 0.85;
        return new Rectangle2D.Double(-s, -s, 2 * s, 2 * s);
      }
      case "triangle" -> {
        Path2D.Double p = new Path2D.Double();
        p.moveTo(0, -rad);
        p.lineTo(rad * Math.sin(Math.toRadians(120)), -rad * Math.cos(Math.toRadians(120)));
        p.lineTo(rad * Math.sin(Math.toRadians(240)), -rad * Math.cos(Math.toRadians(240)));
        p.closePath();
        return p;
      }
      case "cross" -> {
        double t = rad * (0.3 + r.nextDouble() * 0.15);
        Area a = new Area(new Rectangle2D.Double(-rad, -t, 2 * rad, 2 * t));
        a.add(new Area(new Rectangle2D.Double(-t, -rad, 2 * t, 2 * rad)));
        return a;
      }
      case "star" -> {
        Path2D.Double p = new Path2D.Double();
        double inner = rad * (0.38 + r.nextDouble() * 0.1);
        for (int k = 0; k < 10; k++) {
          double ang = Math.toRadians(k * 36);
          double rr = k % 2 == 0 ? rad : inner;
          double x = rr * Math.sin(ang);
          double y = -rr * Math.cos(ang);
          if (k == 0) {
            p.moveTo(x, y);
          } else {
            p.lineTo(x, y);
          }
        }
        p.closePath();
        return p;
      }
      case "ring" -> {
        double w = rad * (0.28 + r.nextDouble() * 0.14);
        Area a = new Area(new Ellipse2D.Double(-rad, -rad, 2 * rad, 2 * rad));
        a.subtract(
            new Area(new Ellipse2D.Double(-rad + w, -rad + w, 2 * (rad - w), 2 * (rad - w))));
        return a;
      }
      case "horizontal-bar" -> {
        double h = rad * (0.25 + r.nextDouble() * 0.2);
        return new Rectangle2D.Double(-rad, -h, 2 * rad, 2 * h);
      }
      case "vertical-bar" -> {
        double w = rad * (0.25 + r.nextDouble() * 0.2);
        return new Rectangle2D.Double(-w, -rad, 2 * w, 2 * rad);
      }
      case "diamond" -> {
        double sx = rad * (0.75 + r.nextDouble() * 0.2);
        Path2D.Double p = new Path2D.Double();
        p.moveTo(0, -rad);
        p.lineTo(sx, 0);
        p.lineTo(0, rad);
        p.lineTo(-sx, 0);
        p.closePath();
        return p;
      }
      case "heart" -> {
        double lobe = rad * 0.52;
        Area a = new Area(new Ellipse2D.Double(-rad, -rad * 0.75, 2 * lobe, 2 * lobe));
        a.add(new Area(new Ellipse2D.Double(rad - 2 * lobe, -rad * 0.75, 2 * lobe, 2 * lobe)));
        Path2D.Double p = new Path2D.Double();
        p.moveTo(-rad * 0.97, -rad * 0.12);
        p.lineTo(rad * 0.97, -rad * 0.12);
        p.lineTo(0, rad);
        p.closePath();
        a.add(new Area(p));
        return a;
      }
      default -> throw new IllegalStateException("no shape for label " + label);
    }
  }

  private static double rotation(int label, SplittableRandom r) {
    String name = CLASSES.get(label);
    double max =
        switch (name) {
          case "circle", "ring" -> 180;
          case "star" -> 12;
          default -> 15;
        };
    return (r.nextDouble() * 2 - 1) * max;
  }

  private static RgbImage downsampleWithNoise(BufferedImage canvas, SplittableRandom r) {
    int big = SIZE * SCALE;
    int[] src = canvas.getRGB(0, 0, big, big, null, 0, big);
    int[] out = new int[SIZE * SIZE];
    double sigma = r.nextDouble() * 14;
    for (int y = 0; y < SIZE; y++) {
      for (int x = 0; x < SIZE; x++) {
        int sr = 0;
        int sg = 0;
        int sb = 0;
        for (int dy = 0; dy < SCALE; dy++) {
          for (int dx = 0; dx < SCALE; dx++) {
            int p = src[(y * SCALE + dy) * big + x * SCALE + dx];
            sr += (p >>> 16) & 0xFF;
            sg += (p >>> 8) & 0xFF;
            sb += p & 0xFF;
          }
        }
        int n = SCALE * SCALE;
        out[y * SIZE + x] =
            clamp(sr / (double) n + r.nextGaussian() * sigma) << 16
                | clamp(sg / (double) n + r.nextGaussian() * sigma) << 8
                | clamp(sb / (double) n + r.nextGaussian() * sigma);
      }
    }
    return new RgbImage(SIZE, SIZE, out);
  }

  private static Color randomColour(SplittableRandom r) {
    return new Color(r.nextInt(256), r.nextInt(256), r.nextInt(256));
  }

  private static Color jitter(Color c, SplittableRandom r, int amount) {
    return new Color(
        clamp(c.getRed() + r.nextInt(-amount, amount + 1)),
        clamp(c.getGreen() + r.nextInt(-amount, amount + 1)),
        clamp(c.getBlue() + r.nextInt(-amount, amount + 1)));
  }

  /** A colour far enough from the background that the shape is visible. */
  private static Color contrasting(Color bg, SplittableRandom r) {
    for (int tries = 0; tries < 100; tries++) {
      Color c = randomColour(r);
      double d = Math.abs(luma(c) - luma(bg)) + 0.5 * distance(c, bg);
      if (d > 110) {
        return c;
      }
    }
    return luma(bg) > 127 ? Color.BLACK : Color.WHITE;
  }

  private static double luma(Color c) {
    return 0.299 * c.getRed() + 0.587 * c.getGreen() + 0.114 * c.getBlue();
  }

  private static double distance(Color a, Color b) {
    int dr = a.getRed() - b.getRed();
    int dg = a.getGreen() - b.getGreen();
    int db = a.getBlue() - b.getBlue();
    return Math.sqrt(dr * dr + dg * dg + db * db);
  }

  private static int clamp(double v) {
    return (int) Math.max(0, Math.min(255, Math.round(v)));
  }

  /** A well-mixed 64-bit seed for image {@code index} of set {@code seed}. */
  static long mix(long seed, long index) {
    long z = seed * 0x9E3779B97F4A7C15L + index * 0xBF58476D1CE4E5B9L + 0x94D049BB133111EBL;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** Encodes an image as PNG. */
  public static byte[] png(RgbImage image) {
    BufferedImage b = new BufferedImage(image.width(), image.height(), BufferedImage.TYPE_INT_RGB);
    b.setRGB(0, 0, image.width(), image.height(), image.pixels(), 0, image.width());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(b, "png", out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
