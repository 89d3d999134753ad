package io.medseg.nn.mamba;

/**
 * The inner loops of {@link CpuScanKernel}: one channel's walk over a block's tokens and its N states, forward,
 * recompute and reverse (the token loop inside, so that the JIT compiles each walk as one loop and can keep a channel's
 * state, A row and gradient carries in registers). Arrays are the kernel's row-major double copies, read at the offsets
 * and strides given. Two implementations compute the same formulas: {@link ScalarStateLoops} (plain loops) and
 * {@link VectorStateLoops} (SIMD lanes of the Vector API, with a vectorised exponential), which is used where it can
 * run and be fast (see {@link #best}).
 */
interface StateLoops {
    /**
     * The forward walk over one channel's block: for t in [0, length), with Δ_t = {@code dd[i]}, u_t = {@code uu[i]}
     * at {@code i = i0 + t·stride}, h ← exp(Δ_t·a)·h + Δ_t u_t·b_t in place on {@code h[hOff, hOff+states)} (the
     * entry state on entry, the exit state on return) and {@code y[i] = Σ_n c_t,n·h_n + skip·u_t}. a at {@code aOff},
     * b and c at {@code bc0 + t·states}.
     */
    void forwardChannel(double[] a, int aOff, double[] dd, double[] uu, int i0, int stride, int length, double[] b,
            double[] c, int bc0, double[] h, int hOff, double skip, double[] y, int states);

    /**
     * The backward pass's recompute of one channel's block: for t in [0, length), with Δ_t = {@code dd[i]}, u_t =
     * {@code uu[i]} and gy_t = {@code g[i]} at {@code i = i0 + t·stride}, {@code dec[t·states+n] = exp(Δ_t·a_n)},
     * {@code q[t·states+n] = dec·h_{t−1}} with h_t = q_t + Δ_t u_t·b_n (h₋₁ = {@code h0[hOff, hOff+states)}; h_t is
     * carried in {@code hc[0, states)}), and adds gy_t·h_t to {@code sumC[t·states+n]} (the channel's share of ∂L/∂C_t,
     * taken while h_t is at hand). a at {@code aOff}, b at {@code bc0 + t·states}.
     */
    void recomputeChannel(double[] a, int aOff, double[] dd, double[] uu, double[] g, int i0, int stride, int length,
            double[] b, int bc0, double[] h0, int hOff, double[] hc, double[] q, double[] dec, double[] sumC,
            int states);

    /**
     * The reverse walk over one channel's block (after {@link #recomputeChannel}): for t from length−1 down to 0,
     * r_n ← gy_t·c_n + exp(Δ_{t+1}a_n)·r_n (r holds the exit-state gradient on entry, ∂L/∂h₋₁'s factor r_0 on exit),
     * ∂L/∂(Δ_t a_n) = r_n·q_t,n (q_t = exp(Δ_t a_n)·h_{t−1} from the recompute); accumulates gA (at {@code aOff}) and sumB
     * (r·Δ_t u_t, at {@code t·states}) and writes gU and gΔ at i; returns Σ_t gy_t·u_t (the channel's gD).
     */
    double backwardChannel(double[] a, int aOff, double[] dd, double[] uu, double[] g, int i0, int stride, int length,
            double[] b, double[] c, int bc0, double[] q, double[] dec, double[] r, double[] gA, double[] sumB,
            double skip, double[] gU, double[] gDelta, int states);

    /**
     * The fastest loops this JVM runs correctly: the vector ones when the {@code jdk.incubator.vector} module is
     * loaded (the {@code medseg} launcher adds it; a KNIME installation does not unless its knime.ini says
     * {@code --add-modules=jdk.incubator.vector}) on x86-64, whose JDK has vectorised exponentials; the scalar ones
     * otherwise (elsewhere the Vector API's exponential falls back to a slow per-lane loop).
     */
    static StateLoops best() {
        boolean x86 = "amd64".equals(System.getProperty("os.arch")) || "x86_64".equals(System.getProperty("os.arch"));
        if (x86 && !Boolean.getBoolean("medseg.scan.scalar")
                && ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
            try {
                // by name, so that JVMs without the module never link the class
                StateLoops loops = (StateLoops) Class.forName("io.medseg.nn.mamba.VectorStateLoops")
                        .getDeclaredConstructor().newInstance();
                if (((VectorWidth) loops).lanes() >= 4) {
                    return loops;
                }
            } catch (ReflectiveOperationException | LinkageError e) {
                // the module is there but cannot be linked from here (an OSGi class loader): use the scalar loops
            }
        }
        return new ScalarStateLoops();
    }

    /** How many doubles a vector implementation processes at once. */
    interface VectorWidth {
        int lanes();
    }
}
