package io.medseg.nn.mamba;

/**
 * The loops of {@link CausalConvSilu} for one batch element's tokens [t0, t1) and channels [e0, e1), in scalar Java;
 * {@link VectorConvSiluLoops} computes the same values on SIMD lanes (the same operations in the same order, so the
 * same bits). Arrays are (L, E) rows in row-major order starting at {@code row}; the weights are transposed to (k, E)
 * so that a tap's weights of neighbouring channels are neighbours too. With p_t = bias + Σ_j w_j·x_{t−k+1+j} (x zero
 * before the sequence start, the taps added in order j = 0..k−1 by fused multiply-adds) and σ the logistic function
 * 1 / (1 + 2^(−p·log₂e)) with {@link ScanExp}'s exponential:
 * <ul>
 * <li>forward: u_t = p_t·σ(p_t);</li>
 * <li>backward: g_t = gu_t·σ(p_t)·(1 + p_t·(1 − σ(p_t))), the gradient at p; gb += g_t; gw_j += g_t·x_{t−k+1+j};</li>
 * <li>input gradient: gx_t = Σ_j w_j·g_{t+k−1−j} (g zero after the sequence end).</li>
 * </ul>
 */
class ConvSiluLoops implements SimdLoops.VectorWidth {

    /** The fastest loops this JVM runs ({@link SimdLoops#best}). */
    static ConvSiluLoops best() {
        return SimdLoops.best(ConvSiluLoops.class, "io.medseg.nn.mamba.VectorConvSiluLoops", new ConvSiluLoops());
    }

    /** u_t for tokens [t0, t1), channels [e0, e1). */
    void forward(float[] x, int row, int channels, int t0, int t1, int e0, int e1, float[] wT, int kernel,
            float[] bias, float[] u) {
        for (int t = t0; t < t1; t++) {
            int o = row + t * channels;
            for (int e = e0; e < e1; e++) {
                float p = preActivation(x, row, channels, t, e, wT, kernel, bias);
                u[o + e] = p * sigmoid(p);
            }
        }
    }

    /** g_t for tokens [t0, t1), channels [e0, e1), into g; their sums into gb[e] and gw[j·E + e] (added to). */
    void backward(float[] x, int row, int channels, int t0, int t1, int e0, int e1, float[] wT, int kernel,
            float[] bias, float[] gu, float[] g, float[] gw, float[] gb) {
        for (int t = t0; t < t1; t++) {
            int o = row + t * channels;
            for (int e = e0; e < e1; e++) {
                float p = preActivation(x, row, channels, t, e, wT, kernel, bias);
                float s = sigmoid(p);
                float gp = gu[o + e] * s * (1f + p * (1f - s));
                g[o + e] = gp;
                gb[e] += gp;
                for (int j = Math.max(0, kernel - 1 - t); j < kernel; j++) {
                    gw[j * channels + e] += gp * x[o + (j - kernel + 1) * channels + e];
                }
            }
        }
    }

    /** gx_t for tokens [t0, t1) of a sequence of {@code length}, channels [e0, e1), from the complete g. */
    void inputGradient(float[] g, int row, int channels, int length, int t0, int t1, int e0, int e1, float[] wT,
            int kernel, float[] gx) {
        for (int t = t0; t < t1; t++) {
            int o = row + t * channels;
            for (int e = e0; e < e1; e++) {
                float acc = 0f;
                for (int j = Math.max(0, t + kernel - length); j < kernel; j++) {
                    acc = Math.fma(wT[j * channels + e], g[o + (kernel - 1 - j) * channels + e], acc);
                }
                gx[o + e] = acc;
            }
        }
    }

    private static float preActivation(float[] x, int row, int channels, int t, int e, float[] wT, int kernel,
            float[] bias) {
        float p = bias[e];
        for (int j = Math.max(0, kernel - 1 - t); j < kernel; j++) {
            p = Math.fma(wT[j * channels + e], x[row + (t - kernel + 1 + j) * channels + e], p);
        }
        return p;
    }

    /** 1 / (1 + exp(−p)), exp as 2^(−p·log₂e) by {@link ScanExp#exp2}. */
    static float sigmoid(float p) {
        return 1f / (1f + ScanExp.exp2(-p * ScanExp.LOG2E));
    }
}
