package io.medseg.nn.mamba;

/**
 * The loops of {@link TokenMaxPool} in scalar Java; {@link VectorPoolLoops} computes the same on SIMD lanes, a channel
 * per lane. Tokens are rows of C channels; {@code window} holds, per output token, the row offsets of its K window
 * positions in PyTorch's order (d, then h, then w), {@code K} consecutive entries per output token. As PyTorch's
 * max-pool, a position replaces the running maximum when it is greater or NaN, so the first maximum (or the last NaN)
 * wins, and the backward pass gives the output gradient to that position and zero to the others.
 */
class PoolLoops implements SimdLoops.VectorWidth {

    /** The fastest loops this JVM runs ({@link SimdLoops#best}). */
    static PoolLoops best() {
        return SimdLoops.best(PoolLoops.class, "io.medseg.nn.mamba.VectorPoolLoops", new PoolLoops());
    }

    /** y[o] = max over the window of output tokens [o0, o1), channels [e0, e1). */
    void forward(float[] x, int xBase, int[] window, int k, int channels, int o0, int o1, int e0, int e1,
            float[] y, int yBase) {
        for (int o = o0; o < o1; o++) {
            int w = o * k;
            for (int e = e0; e < e1; e++) {
                float m = x[xBase + window[w] + e];
                for (int j = 1; j < k; j++) {
                    float v = x[xBase + window[w + j] + e];
                    m = v > m || v != v ? v : m;
                }
                y[yBase + o * channels + e] = m;
            }
        }
    }

    /** gx at every window position of output tokens [o0, o1): g[o] at the winning position, 0 at the others. */
    void backward(float[] x, int xBase, int[] window, int k, int channels, int o0, int o1, int e0, int e1,
            float[] g, int yBase, float[] gx) {
        for (int o = o0; o < o1; o++) {
            int w = o * k;
            for (int e = e0; e < e1; e++) {
                float m = x[xBase + window[w] + e];
                int arg = 0;
                for (int j = 1; j < k; j++) {
                    float v = x[xBase + window[w + j] + e];
                    if (v > m || v != v) {
                        m = v;
                        arg = j;
                    }
                }
                float gi = g[yBase + o * channels + e];
                for (int j = 0; j < k; j++) {
                    gx[xBase + window[w + j] + e] = j == arg ? gi : 0f;
                }
            }
        }
    }
}
