package io.inceptionstream.model;

import java.util.Iterator;
import java.util.List;

/**
 * An independent forward pass of the seed's network in plain Java loops, written from the seed's
 * README (not from DJL): 3x3 "same" convolution with bias, BatchNorm in inference mode with epsilon
 * 1e-5, ReLU, 3x3 max-pools (stride 1 inside the pool branch, stride 2 between stages, padding 1
 * ignoring padded cells), channel concatenation in branch order, global average pooling and a
 * linear layer. Parameters are consumed in the order the seed lists the layers: for each
 * convolution its weight (out, in, k, k) and bias, then BN gamma, beta, running mean and variance.
 */
final class ReferenceNetwork {

  private static final float EPS = 1e-5f;

  private final Iterator<float[]> params;

  ReferenceNetwork(List<float[]> parameters) {
    this.params = parameters.iterator();
  }

  /** Logits for one image of 3 x 32 x 32 floats. */
  float[] logits(float[] image, int classes) {
    Tensor x = new Tensor(3, 32, 32, image);
    x = convBnRelu(x, 192, 3);
    for (InceptionSpec m : Architecture.MODULES) {
      Tensor b1 = convBnRelu(x, m.n1(), 1);
      Tensor b2 = convBnRelu(convBnRelu(x, m.r3(), 1), m.n3(), 3);
      Tensor b3 = convBnRelu(convBnRelu(convBnRelu(x, m.r5(), 1), m.n5(), 3), m.n5(), 3);
      Tensor b4 = convBnRelu(maxPool(x, 1), m.pool(), 1);
      x = concat(b1, b2, b3, b4);
      if (m.name().equals("b3") || m.name().equals("e4")) {
        x = maxPool(x, 2);
      }
    }
    float[] features = new float[x.c];
    for (int c = 0; c < x.c; c++) {
      double sum = 0;
      for (int i = 0; i < x.h * x.w; i++) {
        sum += x.v[c * x.h * x.w + i];
      }
      features[c] = (float) (sum / (x.h * x.w));
    }
    float[] w = params.next();
    float[] b = params.next();
    float[] out = new float[classes];
    for (int o = 0; o < classes; o++) {
      double s = b[o];
      for (int i = 0; i < features.length; i++) {
        s += (double) w[o * features.length + i] * features[i];
      }
      out[o] = (float) s;
    }
    if (params.hasNext()) {
      throw new IllegalStateException("Unused parameters left");
    }
    return out;
  }

  private Tensor convBnRelu(Tensor x, int out, int k) {
    float[] w = params.next();
    float[] bias = params.next();
    float[] gamma = params.next();
    float[] beta = params.next();
    float[] mean = params.next();
    float[] var = params.next();
    if (w.length != out * x.c * k * k) {
      throw new IllegalStateException(
          "Weight of " + w.length + " values, expected " + out * x.c * k * k);
    }
    int pad = k / 2;
    Tensor y = new Tensor(out, x.h, x.w, new float[out * x.h * x.w]);
    int hw = x.h * x.w;
    for (int o = 0; o < out; o++) {
      float[] acc = new float[hw];
      java.util.Arrays.fill(acc, bias[o]);
      for (int i = 0; i < x.c; i++) {
        for (int ky = 0; ky < k; ky++) {
          for (int kx = 0; kx < k; kx++) {
            float wt = w[((o * x.c + i) * k + ky) * k + kx];
            for (int yy = 0; yy < x.h; yy++) {
              int sy = yy + ky - pad;
              if (sy < 0 || sy >= x.h) {
                continue;
              }
              for (int xx = 0; xx < x.w; xx++) {
                int sx = xx + kx - pad;
                if (sx >= 0 && sx < x.w) {
                  acc[yy * x.w + xx] += wt * x.v[i * hw + sy * x.w + sx];
                }
              }
            }
          }
        }
      }
      float scale = (float) (gamma[o] / Math.sqrt(var[o] + EPS));
      for (int p = 0; p < hw; p++) {
        float v = (acc[p] - mean[o]) * scale + beta[o];
        y.v[o * hw + p] = Math.max(0f, v);
      }
    }
    return y;
  }

  private static Tensor maxPool(Tensor x, int stride) {
    int oh = (x.h + 2 - 3) / stride + 1;
    int ow = (x.w + 2 - 3) / stride + 1;
    Tensor y = new Tensor(x.c, oh, ow, new float[x.c * oh * ow]);
    for (int c = 0; c < x.c; c++) {
      for (int oy = 0; oy < oh; oy++) {
        for (int ox = 0; ox < ow; ox++) {
          float m = Float.NEGATIVE_INFINITY;
          for (int ky = 0; ky < 3; ky++) {
            for (int kx = 0; kx < 3; kx++) {
              int sy = oy * stride + ky - 1;
              int sx = ox * stride + kx - 1;
              if (sy >= 0 && sy < x.h && sx >= 0 && sx < x.w) {
                m = Math.max(m, x.v[(c * x.h + sy) * x.w + sx]);
              }
            }
          }
          y.v[(c * oh + oy) * ow + ox] = m;
        }
      }
    }
    return y;
  }

  private static Tensor concat(Tensor... parts) {
    int c = 0;
    for (Tensor t : parts) {
      c += t.c;
    }
    Tensor y = new Tensor(c, parts[0].h, parts[0].w, new float[c * parts[0].h * parts[0].w]);
    int offset = 0;
    for (Tensor t : parts) {
      System.arraycopy(t.v, 0, y.v, offset, t.v.length);
      offset += t.v.length;
    }
    return y;
  }

  private record Tensor(int c, int h, int w, float[] v) {}
}
