package io.medseg.nn.mamba;

/** {@link StateLoops} as plain loops: one exponential per state and step. */
final class ScalarStateLoops implements StateLoops {
    @Override
    public void forwardChannel(double[] a, int aOff, double[] dd, double[] uu, int i0, int stride, int length,
            double[] b, double[] c, int bc0, double[] h, int hOff, double skip, double[] y, int states) {
        for (int t = 0; t < length; t++) {
            int i = i0 + t * stride;
            double dt = dd[i];
            double du = dt * uu[i];
            int bc = bc0 + t * states;
            double acc = 0;
            for (int n = 0; n < states; n++) {
                double hn = Math.exp(dt * a[aOff + n]) * h[hOff + n] + du * b[bc + n];
                h[hOff + n] = hn;
                acc += c[bc + n] * hn;
            }
            y[i] = acc + skip * uu[i];
        }
    }

    @Override
    public void recomputeChannel(double[] a, int aOff, double[] dd, double[] uu, double[] g, int i0, int stride,
            int length, double[] b, int bc0, double[] h0, int hOff, double[] hc, double[] q, double[] dec, double[] sumC,
            int states) {
        System.arraycopy(h0, hOff, hc, 0, states);
        for (int t = 0; t < length; t++) {
            int i = i0 + t * stride;
            double dt = dd[i];
            double du = dt * uu[i];
            double gi = g[i];
            int o = t * states;
            int bc = bc0 + o;
            for (int n = 0; n < states; n++) {
                double decay = Math.exp(dt * a[aOff + n]);
                dec[o + n] = decay;
                double carried = decay * hc[n];
                q[o + n] = carried;
                double hn = carried + du * b[bc + n];
                hc[n] = hn;
                sumC[o + n] += hn * gi;
            }
        }
    }

    @Override
    public double backwardChannel(double[] a, int aOff, double[] dd, double[] uu, double[] g, int i0, int stride,
            int length, double[] b, double[] c, int bc0, double[] q, double[] dec, double[] r, double[] gA,
            double[] sumB, double skip, double[] gU, double[] gDelta, int states) {
        double gDe = 0;
        for (int t = length - 1; t >= 0; t--) {
            int i = i0 + t * stride;
            double gi = g[i];
            double dt = dd[i];
            double ui = uu[i];
            double du = dt * ui;
            int o = t * states;
            int bc = bc0 + o;
            boolean last = t == length - 1;
            double gLogA = 0;
            double gDu = 0;
            for (int n = 0; n < states; n++) {
                double carry = last ? 1 : dec[o + states + n];
                double rn = gi * c[bc + n] + carry * r[n];
                r[n] = rn;
                double bn = b[bc + n];
                double gLog = rn * q[o + n]; // ∂L/∂(Δ_t a_n), q = exp(Δ_t a_n)·h_{t−1}
                gA[aOff + n] += gLog * dt;
                gLogA += gLog * a[aOff + n];
                gDu += rn * bn;
                sumB[o + n] += rn * du;
            }
            gU[i] = gDu * dt + gi * skip;
            gDelta[i] = gLogA + gDu * ui;
            gDe += gi * ui;
        }
        return gDe;
    }
}
