package io.medseg.nn.mlstm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.medseg.nn.Functions;
import io.medseg.nn.checkpoint.CheckpointTape;
import io.medseg.nn.checkpoint.ChunkedRecurrence;

/**
 * The stabilised mLSTM cell of Vision-LSTM (ViL v1) as static functions on NDArrays, in three equivalent forms.
 *
 * <p>Shapes, per call: queries, keys, values (B, NH, S, dh); input-gate and forget-gate pre-activations ĩ, f̃
 * (B, NH, S); result h̃ (B, NH, S, dh). Keys are scaled by 1/√dh inside. With lf = logsigmoid(f̃) and F its cumulative
 * sum along S, token s contributes to token t ≥ s with log-weight logD_ts = F_t − F_s + ĩ_s (the forget gate of step s
 * does not act on input s); m_t = max_{s≤t} logD_ts is the row stabiliser, and
 * h̃_t = Σ_s C_ts v_s / (max(|Σ_s C_ts|, exp(−m_t)) + 1e-6) with C_ts = (q_t·k_s/√dh)·exp(logD_ts − m_t).
 *
 * <p>Memory kept for backward under plain autograd, counted from the operations below, in bytes per token and head for
 * fp32 (multiply by B·NH·S for a whole layer; dh is the head size, T the chunk size):
 * <ul>
 * <li>{@link #parallel}: about 17·S (four S×S float matrices: the masked log-weights, exp(logD − m), q·k̃ᵀ and the
 * normalised C, plus a one-byte mask) + 12·dh. Quadratic in S per layer: at S = 6720 and B·NH = 8 one S×S matrix is
 * 1.4 GB.</li>
 * <li>{@link #chunkwise}: about 17·T + 12·dh inside the chunks plus the carried state, 4·(dh² + dh + 1)/T per token
 * for each of the few tensors per chunk that hold it (about 3). Linear in S.</li>
 * <li>{@link #apply} on long sequences inside an active {@link CheckpointTape}: during the forward pass only the
 * cell's inputs and output, 4·(3·dh + 2) + 4·dh; during the backward pass additionally the per-chunk outputs and
 * carries, 4·dh + 4·(dh² + dh + 1)/T, and the internals of one chunk at a time. Linear in S with the smallest
 * constant. The price is one extra forward of the cell (see {@link ChunkedRecurrence}).</li>
 * </ul>
 * {@link #recurrent} keeps O(S·dh²) and is a test reference only.
 */
public final class MlstmCell {
    /** Added to the normaliser, as in ViL. */
    public static final double EPS = 1e-6;

    /**
     * Up to this length {@link #apply} uses the parallel form: its S×S matrices then cost at most twice the chunkwise
     * form's S×T ones at the default chunk, and one large matrix product beats a Java loop over chunks.
     */
    public static final int PARALLEL_MAX_LENGTH = 512;

    /**
     * Chunk size of {@link #apply} for long sequences. Intra-chunk work grows with T, the Java loop and the carried
     * states with S/T; 256 keeps both small for the head sizes of xLSTM-UNet (dh = D/2 = 16..256).
     */
    public static final int DEFAULT_CHUNK = 256;

    private MlstmCell() {
    }

    /**
     * The parallel stabilised form, O(S²) per head: the ViL v1 computation. ViL builds an (S+1)-long cumsum with a
     * leading zero and keeps the [1:, 1:] block of the (S+1)×(S+1) difference matrix; the leading zero cancels in
     * that block, so the S-long cumsum used here gives the same entries with one row and column less.
     */
    public static NDArray parallel(NDArray q, NDArray k, NDArray v, NDArray igate, NDArray fgate) {
        long s = checkShapes(q, k, v, igate, fgate);
        NDArray kScaled = scaleKeys(k);
        NDArray cumLogF = Functions.logSigmoid(fgate).cumSum(2); // F_t, (B, NH, S)
        NDArray logD = decayMatrix(cumLogF, cumLogF, igate, causalMask(q.getManager(), s));
        NDArray m = logD.max(new int[] { 3 }, true); // (B, NH, S, 1); finite, the diagonal is never masked
        NDArray c = q.matMul(kScaled.transpose(0, 1, 3, 2)).mul(logD.sub(m).exp());
        NDArray normaliser = c.sum(new int[] { 3 }, true).abs().maximum(m.neg().exp());
        return c.div(normaliser.add(EPS)).matMul(v);
    }

    /**
     * The recurrent form, one token at a time with state (Ĉ, n̂, m): the sequential reference for tests, O(S) JNI calls
     * and O(S·dh²) memory. The state starts at m_{−1} = −∞, i.e. m_0 = ĩ_0, which makes m_t the parallel row maximum
     * exactly (a start at m = 0 would differ from it whenever all log-weights of a row are negative).
     */
    public static NDArray recurrent(NDArray q, NDArray k, NDArray v, NDArray igate, NDArray fgate) {
        long steps = checkShapes(q, k, v, igate, fgate);
        NDArray kScaled = scaleKeys(k);
        NDArray logF = Functions.logSigmoid(fgate);
        NDArray c = null; // Σ weight·k̃ ⊗ v, (B, NH, dh, dh), key index first
        NDArray n = null; // Σ weight·k̃, (B, NH, dh)
        NDArray m = null; // (B, NH)
        NDList outputs = new NDList((int) steps);
        for (long t = 0; t < steps; t++) {
            NDArray qt = q.get(":, :, {}, :", t);
            NDArray kt = kScaled.get(":, :, {}, :", t);
            NDArray vt = v.get(":, :, {}, :", t);
            NDArray it = igate.get(":, :, {}", t);
            NDArray outer = kt.expandDims(3).mul(vt.expandDims(2));
            if (m == null) {
                m = it; // i' = exp(ĩ_0 − m_0) = 1
                c = outer;
                n = kt;
            } else {
                NDArray decayed = logF.get(":, :, {}", t).add(m);
                NDArray mNew = decayed.maximum(it);
                NDArray fScale = decayed.sub(mNew).exp();
                NDArray iScale = it.sub(mNew).exp();
                c = c.mul(fScale.expandDims(2).expandDims(3)).add(outer.mul(iScale.expandDims(2).expandDims(3)));
                n = n.mul(fScale.expandDims(2)).add(kt.mul(iScale.expandDims(2)));
                m = mNew;
            }
            NDArray numerator = qt.expandDims(2).matMul(c).squeeze(2); // (B, NH, dh)
            NDArray denominator = qt.mul(n).sum(new int[] { 2 }).abs().maximum(m.neg().exp());
            outputs.add(numerator.div(denominator.add(EPS).expandDims(2)));
        }
        return NDArrays.stack(outputs, 2);
    }

    /**
     * The chunkwise form: a Java loop over chunks of {@code chunkSize} tokens (the last one may be shorter), all
     * batches and heads at once. Within a chunk the parallel form runs on T×T matrices; the tokens before the chunk
     * enter through the carried state Ĉ = Σ_s w_s k̃_s ⊗ v_s, n̂ = Σ_s w_s k̃_s with weights w_s = exp(logD_τs − m_τ)
     * taken at the previous chunk's last token τ, and m_τ itself. Row t of the chunk then has the exact parallel
     * stabiliser m_t = max(max_{s in chunk} logD_ts, b_t + m_τ) (b the in-chunk cumsum of log forget gates), so every
     * exponent is ≤ 0 and the result equals {@link #parallel} up to rounding, eps term included.
     */
    public static NDArray chunkwise(NDArray q, NDArray k, NDArray v, NDArray igate, NDArray fgate, int chunkSize) {
        return chunkLoop(q, k, v, igate, fgate, chunkSize);
    }

    /**
     * The cell as the networks call it: {@link #parallel} for S ≤ {@link #PARALLEL_MAX_LENGTH}, otherwise the
     * chunkwise form with chunks of {@link #DEFAULT_CHUNK}, recomputed in backward when a {@link CheckpointTape} is
     * recording.
     */
    public static NDArray apply(NDArray q, NDArray k, NDArray v, NDArray igate, NDArray fgate) {
        return apply(q, k, v, igate, fgate, PARALLEL_MAX_LENGTH, DEFAULT_CHUNK);
    }

    /**
     * {@link #apply} with explicit thresholds. For S > {@code parallelMaxLength} the chunk loop is a
     * {@link ChunkedRecurrence}: inside an active {@link CheckpointTape} it keeps only one carried state per chunk and
     * replays the chunks in reverse in the backward pass. Outside a tape (inference, plain autograd) it is a plain
     * loop.
     */
    public static NDArray apply(NDArray q, NDArray k, NDArray v, NDArray igate, NDArray fgate, int parallelMaxLength,
            int chunkSize) {
        if (checkShapes(q, k, v, igate, fgate) <= parallelMaxLength) {
            return parallel(q, k, v, igate, fgate);
        }
        return ChunkedRecurrence.run(MlstmCell::chunkStep, new NDList(q, scaleKeys(k), v, igate, fgate), new NDList(),
                new NDList(), 2, 2, chunkSize);
    }

    private static NDArray chunkLoop(NDArray q, NDArray k, NDArray v, NDArray igate, NDArray fgate, int chunkSize) {
        if (chunkSize < 1) {
            throw new IllegalArgumentException("chunk size must be positive: " + chunkSize);
        }
        long length = checkShapes(q, k, v, igate, fgate);
        NDArray kScaled = scaleKeys(k);
        NDList carry = new NDList(); // empty before the first chunk: no state, m_{-1} = -inf
        NDList outputs = new NDList();
        for (long start = 0; start < length; start += chunkSize) {
            long end = Math.min(length, start + chunkSize);
            NDList out = chunkStep(new NDList(q.get(":, :, {}:{}, :", start, end), kScaled.get(":, :, {}:{}, :", start, end),
                    v.get(":, :, {}:{}, :", start, end), igate.get(":, :, {}:{}", start, end),
                    fgate.get(":, :, {}:{}", start, end)), new NDList(), carry);
            outputs.add(out.get(0));
            carry = out.subNDList(1);
        }
        return outputs.size() == 1 ? outputs.get(0) : NDArrays.concat(outputs, 2);
    }

    /**
     * One chunk. Inputs: q, k̃ (already scaled), v (B, NH, T, dh), ĩ, f̃ (B, NH, T), then, after the first chunk, the
     * carry Ĉ (B, NH, dh, dh), n̂ (B, NH, dh, 1), m (B, NH, 1). Outputs: h̃ (B, NH, T, dh) and the new carry.
     */
    private static NDList chunkStep(NDList slices, NDList shared, NDList carry) {
        NDList in = new NDList(slices);
        in.addAll(carry);
        NDArray q = in.get(0);
        NDArray kScaled = in.get(1);
        NDArray v = in.get(2);
        NDArray igate = in.get(3);
        long t = q.getShape().get(2);
        NDArray b = Functions.logSigmoid(in.get(4)).cumSum(2); // in-chunk cumsum of log forget gates
        NDArray logD = decayMatrix(b, b, igate, causalMask(q.getManager(), t));
        NDArray m = logD.max(new int[] { 3 }); // (B, NH, T)
        NDArray carriedScale = null;
        if (in.size() > 5) {
            NDArray g = b.add(in.get(7)); // log-weight of the carried state at each row
            m = m.maximum(g);
            carriedScale = g.sub(m).exp().expandDims(3); // (B, NH, T, 1), ≤ 1
        }
        NDArray mCol = m.expandDims(3);
        NDArray c = q.matMul(kScaled.transpose(0, 1, 3, 2)).mul(logD.sub(mCol).exp());
        NDArray numerator = c.matMul(v);
        NDArray denominator = c.sum(new int[] { 3 }, true);
        if (carriedScale != null) {
            numerator = numerator.add(q.matMul(in.get(5)).mul(carriedScale));
            denominator = denominator.add(q.matMul(in.get(6)).mul(carriedScale));
        }
        NDArray h = numerator.div(denominator.abs().maximum(mCol.neg().exp()).add(EPS));

        // State after the chunk's last token τ: m_τ is the last row's stabiliser, and the weights
        // exp(b_τ − b_s + ĩ_s − m_τ) and exp(b_τ + m_prev − m_τ) are entries of that row, hence ≤ 1.
        NDArray bLast = b.get(":, :, -1:"); // (B, NH, 1)
        NDArray mLast = m.get(":, :, -1:");
        NDArray w = bLast.sub(b).add(igate).sub(mLast).exp().expandDims(3); // (B, NH, T, 1)
        NDArray weightedKeys = kScaled.mul(w);
        NDArray cNew = weightedKeys.transpose(0, 1, 3, 2).matMul(v);
        NDArray nNew = weightedKeys.sum(new int[] { 2 }).expandDims(3);
        if (in.size() > 5) {
            NDArray decay = bLast.add(in.get(7)).sub(mLast).exp().expandDims(3); // (B, NH, 1, 1)
            cNew = cNew.add(in.get(5).mul(decay));
            nNew = nNew.add(in.get(6).mul(decay));
        }
        return new NDList(h, cNew, nNew, mLast);
    }

    /**
     * logD (B, NH, T, U) with entries rowCum_t − colCum_s + ĩ_s where {@code mask} allows and −∞ elsewhere; −∞ is set
     * by selection, not by adding a large negative number, so masked entries contribute exactly 0 after exp.
     */
    private static NDArray decayMatrix(NDArray rowCum, NDArray colCum, NDArray igate, NDArray mask) {
        NDArray logD = rowCum.expandDims(3).sub(colCum.expandDims(2)).add(igate.expandDims(2));
        NDArray minusInf = logD.getManager().full(logD.getShape(), Float.NEGATIVE_INFINITY, logD.getDataType());
        // DJL's where wants equal shapes; broadcast gives a stride-0 view, no copy of the mask.
        return NDArrays.where(mask.broadcast(logD.getShape()), logD, minusInf);
    }

    /** Boolean (T, T) mask of s ≤ t (row t, column s). */
    private static NDArray causalMask(NDManager manager, long length) {
        NDArray index = manager.arange(0, length, 1, DataType.INT64);
        return index.reshape(length, 1).gte(index.reshape(1, length));
    }

    /**
     * k / √dh. The factor is an explicit 0-d tensor made by the engine: with {@code div(Number)} the backward pass
     * intermittently (about 1 in 40 runs of the block test) produced non-finite key gradients, which points at the
     * scalar operand DJL makes for a Number not outliving the forward pass.
     */
    private static NDArray scaleKeys(NDArray k) {
        // dh is an integer, so full() holds it exactly and the root is taken in the array's own precision
        NDArray root = k.getManager().full(new Shape(), k.getShape().get(3), k.getDataType()).sqrt();
        return k.div(root);
    }

    /** Checks the documented shapes; returns S. */
    private static long checkShapes(NDArray q, NDArray k, NDArray v, NDArray igate, NDArray fgate) {
        Shape s = q.getShape();
        if (s.dimension() != 4 || !k.getShape().equals(s) || !v.getShape().equals(s)
                || !igate.getShape().equals(s.slice(0, 3)) || !fgate.getShape().equals(s.slice(0, 3))) {
            throw new IllegalArgumentException("mLSTM expects q, k, v (B, NH, S, dh) and gates (B, NH, S); got "
                    + s + ", " + k.getShape() + ", " + v.getShape() + ", " + igate.getShape() + ", "
                    + fgate.getShape());
        }
        return s.get(2);
    }
}
