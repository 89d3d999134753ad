package io.medseg.nn.mamba;

import static io.medseg.nn.mamba.VectorStateLoops.LANES;
import static io.medseg.nn.mamba.VectorStateLoops.SPECIES;

import jdk.incubator.vector.FloatVector;

/**
 * {@link ConvSiluLoops} on SIMD lanes, a channel per lane (the channels of a token are contiguous): the same
 * operations in the same order, so the same bits; the channels after the last full group take the scalar loops. Loaded
 * only through {@link ConvSiluLoops#best}.
 */
final class VectorConvSiluLoops extends ConvSiluLoops {
    @Override
    public int lanes() {
        return LANES;
    }

    @Override
    void forward(float[] x, int row, int channels, int t0, int t1, int e0, int e1, float[] wT, int kernel,
            float[] bias, float[] u) {
        int e = e0;
        for (; e + LANES <= e1; e += LANES) {
            for (int t = t0; t < t1; t++) {
                FloatVector p = preActivation(x, row, channels, t, e, wT, kernel, bias);
                p.mul(sigmoid(p)).intoArray(u, row + t * channels + e);
            }
        }
        super.forward(x, row, channels, t0, t1, e, e1, wT, kernel, bias, u);
    }

    @Override
    void backward(float[] x, int row, int channels, int t0, int t1, int e0, int e1, float[] wT, int kernel,
            float[] bias, float[] gu, float[] g, float[] gw, float[] gb) {
        int e = e0;
        for (; e + LANES <= e1; e += LANES) {
            for (int t = t0; t < t1; t++) {
                int o = row + t * channels + e;
                FloatVector p = preActivation(x, row, channels, t, e, wT, kernel, bias);
                FloatVector s = sigmoid(p);
                FloatVector one = FloatVector.broadcast(SPECIES, 1f);
                FloatVector gp = FloatVector.fromArray(SPECIES, gu, o).mul(s).mul(one.add(p.mul(one.sub(s))));
                gp.intoArray(g, o);
                FloatVector.fromArray(SPECIES, gb, e).add(gp).intoArray(gb, e);
                for (int j = Math.max(0, kernel - 1 - t); j < kernel; j++) {
                    int w = j * channels + e;
                    FloatVector.fromArray(SPECIES, gw, w)
                            .add(gp.mul(FloatVector.fromArray(SPECIES, x, o + (j - kernel + 1) * channels)))
                            .intoArray(gw, w);
                }
            }
        }
        super.backward(x, row, channels, t0, t1, e, e1, wT, kernel, bias, gu, g, gw, gb);
    }

    @Override
    void inputGradient(float[] g, int row, int channels, int length, int t0, int t1, int e0, int e1, float[] wT,
            int kernel, float[] gx) {
        int e = e0;
        for (; e + LANES <= e1; e += LANES) {
            for (int t = t0; t < t1; t++) {
                int o = row + t * channels + e;
                FloatVector acc = FloatVector.zero(SPECIES);
                for (int j = Math.max(0, t + kernel - length); j < kernel; j++) {
                    acc = FloatVector.fromArray(SPECIES, wT, j * channels + e)
                            .fma(FloatVector.fromArray(SPECIES, g, o + (kernel - 1 - j) * channels), acc);
                }
                acc.intoArray(gx, o);
            }
        }
        super.inputGradient(g, row, channels, length, t0, t1, e, e1, wT, kernel, gx);
    }

    private static FloatVector preActivation(float[] x, int row, int channels, int t, int e, float[] wT, int kernel,
            float[] bias) {
        FloatVector p = FloatVector.fromArray(SPECIES, bias, e);
        for (int j = Math.max(0, kernel - 1 - t); j < kernel; j++) {
            p = FloatVector.fromArray(SPECIES, wT, j * channels + e)
                    .fma(FloatVector.fromArray(SPECIES, x, row + (t - kernel + 1 + j) * channels + e), p);
        }
        return p;
    }

    /** {@link ConvSiluLoops#sigmoid} on a vector. */
    private static FloatVector sigmoid(FloatVector p) {
        FloatVector one = FloatVector.broadcast(SPECIES, 1f);
        return one.div(one.add(VectorStateLoops.exp2(p.neg().mul(ScanExp.LOG2E))));
    }
}
