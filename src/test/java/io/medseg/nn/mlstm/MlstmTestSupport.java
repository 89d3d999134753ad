package io.medseg.nn.mlstm;

import java.util.Random;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/** Seeded test data and error measures shared by the mLSTM and ViL tests. */
final class MlstmTestSupport {
    private MlstmTestSupport() {
    }

    /** Gate regimes: ViL's init values, and magnitudes a trained or diverging network can reach. */
    enum Gates {
        /** ĩ ≈ N(0, 0.1), f̃ ≈ linspace(3, 6) per head plus small noise: forget gates nearly 1. */
        INIT,
        /**
         * ĩ ~ N(0, 2) and f̃ ~ N(0, 2): 20 times the init spread, forget gates from 0.002 to 0.998, cumulative log
         * forget gates near −300 at S = 257.
         */
        LARGE,
        /**
         * ĩ ~ N(0, 8) and f̃ ~ N(0, 8): exponents up to ±25 and cumulative log forget gates near −1000 at S = 257.
         * Some normalisers nearly cancel here, which amplifies rounding in any form: fp32 loses 3–4 digits (the
         * parallel form most, as its exponents are differences of long cumsums), so this regime is checked in fp64.
         */
        EXTREME
    }

    /** Values drawn from N(0, std) with a fixed seed, as an array of the given type. */
    static NDArray normal(NDManager m, Random rnd, Shape shape, double std, DataType type) {
        double[] v = new double[(int) shape.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = rnd.nextGaussian() * std;
        }
        return m.create(v, shape).toType(type, false);
    }

    /** q, k, v (B, NH, S, dh) and ĩ, f̃ (B, NH, S). */
    static NDList cellInputs(NDManager m, long seed, int batch, int heads, int length, int headDim, Gates gates,
            DataType type) {
        Random rnd = new Random(seed);
        Shape qkv = new Shape(batch, heads, length, headDim);
        Shape gate = new Shape(batch, heads, length);
        NDArray q = normal(m, rnd, qkv, 1, type);
        NDArray k = normal(m, rnd, qkv, 1, type);
        NDArray v = normal(m, rnd, qkv, 1, type);
        NDArray i;
        NDArray f;
        if (gates == Gates.INIT) {
            i = normal(m, rnd, gate, 0.1, type);
            double[] bias = new double[heads];
            for (int h = 0; h < heads; h++) {
                bias[h] = heads == 1 ? 3 : 3 + 3.0 * h / (heads - 1);
            }
            NDArray fb = m.create(bias, new Shape(1, heads, 1)).toType(type, false);
            f = normal(m, rnd, gate, 0.1, type).add(fb);
        } else {
            double std = gates == Gates.LARGE ? 2 : 8;
            i = normal(m, rnd, gate, std, type);
            f = normal(m, rnd, gate, std, type);
        }
        return new NDList(q, k, v, i, f);
    }

    /** ‖a − b‖₂ / ‖b‖₂ over all elements: the relative error of the whole result. */
    static double normRelativeError(NDArray a, NDArray reference) {
        double[] x = a.toType(DataType.FLOAT64, false).toDoubleArray();
        double[] r = reference.toType(DataType.FLOAT64, false).toDoubleArray();
        if (x.length != r.length) {
            throw new AssertionError("sizes differ: " + x.length + " vs " + r.length);
        }
        double diff = 0;
        double norm = 0;
        for (int j = 0; j < x.length; j++) {
            if (!Double.isFinite(x[j])) {
                return Double.POSITIVE_INFINITY;
            }
            diff += (x[j] - r[j]) * (x[j] - r[j]);
            norm += r[j] * r[j];
        }
        return Math.sqrt(diff / Math.max(norm, Double.MIN_NORMAL));
    }

    /** max |a − b| / max |b|: error relative to the reference's scale. */
    static double relativeError(NDArray a, NDArray reference) {
        double[] x = a.toType(DataType.FLOAT64, false).toDoubleArray();
        double[] r = reference.toType(DataType.FLOAT64, false).toDoubleArray();
        if (x.length != r.length) {
            throw new AssertionError("sizes differ: " + x.length + " vs " + r.length);
        }
        double diff = 0;
        double scale = 0;
        for (int j = 0; j < x.length; j++) {
            if (!Double.isFinite(x[j])) {
                return Double.POSITIVE_INFINITY;
            }
            diff = Math.max(diff, Math.abs(x[j] - r[j]));
            scale = Math.max(scale, Math.abs(r[j]));
        }
        return diff / Math.max(scale, Double.MIN_NORMAL);
    }
}
