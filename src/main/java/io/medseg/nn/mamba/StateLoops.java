package io.medseg.nn.mamba;

/**
 * The innermost loops of {@link CpuScanKernel}: one time step of one channel over its N states, forward, recompute and
 * reverse. Arrays are the kernel's row-major double copies; each method reads and writes {@code states} consecutive
 * values at the offsets given. Two implementations compute the same formulas: {@link ScalarStateLoops} (plain loops)
 * and {@link VectorStateLoops} (SIMD lanes of the Vector API, with a vectorised exponential), which is used where it
 * can run and be fast (see {@link #best}).
 */
interface StateLoops {
    /**
     * The forward step h ← exp(Δ·a)·h + Δu·b, in place on {@code h[0, states)}; returns Σ_n c_n·h_n (the output
     * without the skip term). a at {@code aOff}, b and c at {@code bc}.
     */
    double forwardStep(double[] a, int aOff, double dt, double du, double[] b, double[] c, int bc, double[] h,
            int hOff, int states);

    /**
     * The backward pass's recompute step: {@code dec[o+n] = exp(Δ·a_n)} and {@code h[o+n] = dec[o+n]·prev[p+n] +
     * Δu·b_n}.
     */
    void recomputeStep(double[] a, int aOff, double dt, double du, double[] b, int bc, double[] prev, int p,
            double[] h, double[] dec, int o, int states);

    /**
     * One reverse step at time t: r_n ← gy·c_n + carry_n·r_n (carry: the next step's decays, or ones at the last
     * step, where r holds the exit-state gradient), accumulating gA (at {@code aOff}), sumB and sumC (at {@code o})
     * and writing Σ_n ∂L/∂(Δ·a_n)·a_n and Σ_n r_n·b_n into {@code out[0]} and {@code out[1]}. hPrev at {@code p} is
     * h_{t−1}; h and dec at {@code o} are h_t and exp(Δ_t·a).
     */
    void backwardStep(double gi, double dt, double du, double[] a, int aOff, double[] b, double[] c, int bc,
            double[] carry, int carryOff, double[] r, int rOff, double[] hPrev, int p, double[] h, double[] dec, int o,
            double[] gA, double[] sumB, double[] sumC, int states, double[] out);

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
