package io.medseg.nn.mamba;

/**
 * One block of the CPU scan's backward pass as {@link CpuScanKernel} copies it out of the tensors (row-major: u, Δ, gy
 * (B, T, E); B, C (B, T, N); A (E, N); D (E); h0 and the exit gradient (B, E, N), the latter null for the last block),
 * and the gradient arrays the {@link StateLoops} fill: gU and gΔ (B, T, E; every value written, so the arrays may be
 * reused ones, as may u, Δ, B, C and gy, which can be longer than the block: index by its shape), gA (E, N) and gD (E)
 * summed in double,
 * gH0 (B, E, N). gB and gC, sums over channels, are taken per channel range ({@link RangeBuffers}) and added by the
 * kernel in range order. {@link #starts}, when the block's forward kept them, are its states at every sub-block start.
 */
final class ScanGradients {
    final int batch;
    final int length;
    final int channels;
    final int states;
    final float[] u;
    final float[] delta;
    final float[] a;
    final float[] b;
    final float[] c;
    final float[] d;
    final float[] h0;
    final float[] gy;
    final float[] exit;
    /** The states entering every {@link StateLoops#SUB}-th token, (B, E, sub-blocks, N), or null (recomputed). */
    final float[] starts;
    final float[] gU;
    final float[] gDelta;
    final double[] gA;
    final double[] gD;
    final float[] gH0;

    ScanGradients(int batch, int length, int channels, int states, float[] u, float[] delta, float[] a, float[] b,
            float[] c, float[] d, float[] h0, float[] gy, float[] exit, float[] starts, float[] gU, float[] gDelta) {
        this.batch = batch;
        this.length = length;
        this.channels = channels;
        this.states = states;
        this.u = u;
        this.delta = delta;
        this.a = a;
        this.b = b;
        this.c = c;
        this.d = d;
        this.h0 = h0;
        this.gy = gy;
        this.exit = exit;
        this.starts = starts;
        this.gU = gU;
        this.gDelta = gDelta;
        gA = new double[a.length];
        gD = new double[d.length];
        gH0 = new float[h0.length];
    }

    /** (bi, 0, 0) in (B, T, E). */
    int tokens(int bi) {
        return bi * length * channels;
    }

    /** (bi, 0, 0) in (B, T, N). */
    int selections(int bi) {
        return bi * length * states;
    }

    /** (bi, e, 0, 0) in {@link #starts}. */
    int kept(int bi, int e) {
        return (bi * channels + e) * StateLoops.subBlocks(length) * states;
    }

    /** (bi, e, 0) in (B, E, N). */
    int state(int bi, int e) {
        return (bi * channels + e) * states;
    }
}
