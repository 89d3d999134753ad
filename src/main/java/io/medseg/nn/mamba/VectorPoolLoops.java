package io.medseg.nn.mamba;

import static io.medseg.nn.mamba.VectorStateLoops.LANES;
import static io.medseg.nn.mamba.VectorStateLoops.SPECIES;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * {@link PoolLoops} on SIMD lanes, a channel per lane (a token's channels are contiguous); the channels after the last
 * full group take the scalar loops. Loaded only through {@link PoolLoops#best}.
 */
final class VectorPoolLoops extends PoolLoops {
    @Override
    public int lanes() {
        return LANES;
    }

    @Override
    void forward(float[] x, int xBase, int[] window, int k, int channels, int o0, int o1, int e0, int e1,
            float[] y, int yBase) {
        int e = e0;
        for (; e + LANES <= e1; e += LANES) {
            for (int o = o0; o < o1; o++) {
                int w = o * k;
                FloatVector m = FloatVector.fromArray(SPECIES, x, xBase + window[w] + e);
                for (int j = 1; j < k; j++) {
                    FloatVector v = FloatVector.fromArray(SPECIES, x, xBase + window[w + j] + e);
                    m = m.blend(v, takes(v, m));
                }
                m.intoArray(y, yBase + o * channels + e);
            }
        }
        super.forward(x, xBase, window, k, channels, o0, o1, e, e1, y, yBase);
    }

    @Override
    void backward(float[] x, int xBase, int[] window, int k, int channels, int o0, int o1, int e0, int e1,
            float[] g, int yBase, float[] gx) {
        int e = e0;
        FloatVector zero = FloatVector.zero(SPECIES);
        for (; e + LANES <= e1; e += LANES) {
            for (int o = o0; o < o1; o++) {
                int w = o * k;
                FloatVector m = FloatVector.fromArray(SPECIES, x, xBase + window[w] + e);
                FloatVector arg = zero;
                for (int j = 1; j < k; j++) {
                    FloatVector v = FloatVector.fromArray(SPECIES, x, xBase + window[w + j] + e);
                    VectorMask<Float> take = takes(v, m);
                    m = m.blend(v, take);
                    arg = arg.blend(j, take);
                }
                FloatVector gi = FloatVector.fromArray(SPECIES, g, yBase + o * channels + e);
                for (int j = 0; j < k; j++) {
                    zero.blend(gi, arg.compare(VectorOperators.EQ, j)).intoArray(gx, xBase + window[w + j] + e);
                }
            }
        }
        super.backward(x, xBase, window, k, channels, o0, o1, e, e1, g, yBase, gx);
    }

    /** Where v replaces the running maximum m: greater, or NaN. */
    private static VectorMask<Float> takes(FloatVector v, FloatVector m) {
        return v.compare(VectorOperators.GT, m).or(v.test(VectorOperators.IS_NAN));
    }
}
