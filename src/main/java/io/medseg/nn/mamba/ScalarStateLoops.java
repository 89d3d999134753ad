package io.medseg.nn.mamba;

/** {@link StateLoops} as plain loops: one exponential per state and step. */
final class ScalarStateLoops implements StateLoops {
    @Override
    public double forwardStep(double[] a, int aOff, double dt, double du, double[] b, double[] c, int bc, double[] h,
            int hOff, int states) {
        double acc = 0;
        for (int n = 0; n < states; n++) {
            double hn = Math.exp(dt * a[aOff + n]) * h[hOff + n] + du * b[bc + n];
            h[hOff + n] = hn;
            acc += c[bc + n] * hn;
        }
        return acc;
    }

    @Override
    public void recomputeStep(double[] a, int aOff, double dt, double du, double[] b, int bc, double[] prev, int p,
            double[] h, double[] dec, int o, int states) {
        for (int n = 0; n < states; n++) {
            double decay = Math.exp(dt * a[aOff + n]);
            dec[o + n] = decay;
            h[o + n] = decay * prev[p + n] + du * b[bc + n];
        }
    }

    @Override
    public void backwardStep(double gi, double dt, double du, double[] a, int aOff, double[] b, double[] c, int bc,
            double[] carry, int carryOff, double[] r, int rOff, double[] hPrev, int p, double[] h, double[] dec, int o,
            double[] gA, double[] sumB, double[] sumC, int states, double[] out) {
        double gLogA = 0;
        double gDu = 0;
        for (int n = 0; n < states; n++) {
            double rn = gi * c[bc + n] + carry[carryOff + n] * r[rOff + n];
            r[rOff + n] = rn;
            double gLog = rn * hPrev[p + n] * dec[o + n]; // ∂L/∂(Δ_t a_n)
            gA[aOff + n] += gLog * dt;
            gLogA += gLog * a[aOff + n];
            gDu += rn * b[bc + n];
            sumB[o + n] += rn * du;
            sumC[o + n] += h[o + n] * gi;
        }
        out[0] = gLogA;
        out[1] = gDu;
    }
}
