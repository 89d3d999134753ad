package io.medseg.nn.mamba;

/**
 * {@link StateLoops} as plain loops, a channel at a time: one {@link ScanExp#exp2} per state and step. Also the channels
 * after the last full SIMD group of {@link VectorStateLoops}.
 */
class ScalarStateLoops implements StateLoops {
    @Override
    public void forwardChannel(float[] a, int aOff, float[] dd, float[] uu, int i0, int stride, int length, float[] b,
            float[] c, int bc0, float[] h, int hOff, float skip, float[] y, int states, float[] starts, int sOff) {
        for (int t = 0; t < length; t++) {
            if (t % SUB == 0) {
                System.arraycopy(h, hOff, starts, sOff + t / SUB * states, states);
            }
            int i = i0 + t * stride;
            float dt = dd[i];
            float du = dt * uu[i];
            float dt2 = dt * ScanExp.LOG2E;
            int bc = bc0 + t * states;
            float acc = 0;
            for (int n = 0; n < states; n++) {
                float hn = Math.fma(b[bc + n], du, ScanExp.exp2(dt2 * a[aOff + n]) * h[hOff + n]);
                h[hOff + n] = hn;
                acc = Math.fma(c[bc + n], hn, acc);
            }
            y[i] = Math.fma(skip, uu[i], acc);
        }
    }

    @Override
    public void recomputeChannel(float[] a, int aOff, float[] dd, float[] uu, float[] g, int i0, int stride,
            int length, float[] b, int bc0, float[] h0, int hOff, float[] hc, float[] q, float[] dec, float[] sumC,
            int states) {
        System.arraycopy(h0, hOff, hc, 0, states);
        for (int t = 0; t < length; t++) {
            int i = i0 + t * stride;
            float dt = dd[i];
            float du = dt * uu[i];
            float dt2 = dt * ScanExp.LOG2E;
            float gi = g[i];
            int o = t * states;
            int bc = bc0 + o;
            for (int n = 0; n < states; n++) {
                float decay = ScanExp.exp2(dt2 * a[aOff + n]);
                dec[o + n] = decay;
                float carried = decay * hc[n];
                q[o + n] = carried;
                float hn = Math.fma(b[bc + n], du, carried);
                hc[n] = hn;
                sumC[o + n] = Math.fma(hn, gi, sumC[o + n]);
            }
        }
    }

    @Override
    public double backwardChannel(float[] a, int aOff, float[] dd, float[] uu, float[] g, int i0, int stride,
            int length, float[] b, float[] c, int bc0, float[] q, float[] dec, float[] r, float[] gAcc, double[] gA,
            float[] sumB, float skip, float[] gU, float[] gDelta, int states) {
        double gDe = 0;
        for (int t = length - 1; t >= 0; t--) {
            int i = i0 + t * stride;
            float gi = g[i];
            float dt = dd[i];
            float ui = uu[i];
            float du = dt * ui;
            int o = t * states;
            int bc = bc0 + o;
            boolean last = t == length - 1;
            float gLogA = 0;
            float gDu = 0;
            for (int n = 0; n < states; n++) {
                float carried = last ? r[n] : r[n] * dec[o + states + n];
                float rn = Math.fma(c[bc + n], gi, carried);
                r[n] = rn;
                float gLog = rn * q[o + n]; // ∂L/∂(Δ_t a_n), q = exp(Δ_t a_n)·h_{t−1}
                gAcc[n] = Math.fma(gLog, dt, gAcc[n]);
                gLogA = Math.fma(gLog, a[aOff + n], gLogA);
                gDu = Math.fma(rn, b[bc + n], gDu);
                sumB[o + n] = Math.fma(rn, du, sumB[o + n]);
            }
            gU[i] = Math.fma(gDu, dt, gi * skip);
            gDelta[i] = Math.fma(gDu, ui, gLogA);
            gDe += (double) gi * ui;
            if (t % StateLoops.FLUSH == 0) {
                StateLoops.flush(gAcc, gA, aOff, states);
            }
        }
        return gDe;
    }
}
