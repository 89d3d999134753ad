package io.medseg.nn.networks;

import java.util.Arrays;

import io.medseg.MedSegException;

/**
 * The topology of the nnU-Net residual backbone as plain data, as nnU-Net's plans give it: per stage the number of
 * features, the convolution kernel and the stride of the stage's first block (stage 0 has stride 1), the number of
 * blocks per encoder stage and per decoder stage (before the released code's override to 1 for deep stages).
 *
 * @param features features per stage, e.g. [32, 64, 128, 256, 320, 320]
 * @param kernels kernel size per stage and axis, e.g. [[1,3,3], [3,3,3], ...]
 * @param strides stride per stage and axis; stage 0 is all ones
 * @param blocksPerStage nnU-Net's n_conv_per_stage (usually 2 each)
 * @param blocksPerDecoderStage n_conv_per_stage_decoder, one per decoder stage (n − 1 entries, usually 2 each)
 */
public record BackbonePlan(int[] features, long[][] kernels, long[][] strides, int[] blocksPerStage,
        int[] blocksPerDecoderStage) {

    public BackbonePlan {
        int n = features.length;
        if (n < 2 || kernels.length != n || strides.length != n || blocksPerStage.length != n
                || blocksPerDecoderStage.length != n - 1) {
            throw new MedSegException("backbone plan: features, kernels, strides and blocks per stage need one entry per"
                    + " stage (" + n + ") and blocks per decoder stage one fewer");
        }
        int dims = kernels[0].length;
        for (int s = 0; s < n; s++) {
            if (kernels[s].length != dims || strides[s].length != dims) {
                throw new MedSegException("backbone plan: stage " + s + " kernel/stride must have " + dims + " axes");
            }
            for (int a = 0; a < dims; a++) {
                if (kernels[s][a] < 1 || kernels[s][a] % 2 == 0 || strides[s][a] < 1) {
                    throw new MedSegException("backbone plan: stage " + s + " needs odd kernels and positive strides");
                }
            }
        }
        features = features.clone();
        kernels = deepCopy(kernels);
        strides = deepCopy(strides);
        blocksPerStage = blocksPerStage.clone();
        blocksPerDecoderStage = blocksPerDecoderStage.clone();
    }

    public int stages() {
        return features.length;
    }

    public int dims() {
        return kernels[0].length;
    }

    /**
     * The default nnU-Net-like plan for a patch size: halve every axis that is at least 8 voxels until the smallest
     * is below 8 (at most 6 stages in 3D, 7 in 2D), kernels 3 everywhere, features min(32·2^s, 320 in 3D / 512 in
     * 2D), two blocks per stage. Later issues derive plans from the data; this keeps tests and summaries simple.
     */
    public static BackbonePlan forPatch(long... patch) {
        int dims = patch.length;
        int maxStages = dims == 3 ? 6 : 7;
        int cap = dims == 3 ? 320 : 512;
        long[] size = patch.clone();
        java.util.List<long[]> strides = new java.util.ArrayList<>();
        strides.add(ones(dims));
        while (strides.size() < maxStages) {
            long[] st = new long[dims];
            boolean any = false;
            for (int a = 0; a < dims; a++) {
                st[a] = size[a] >= 8 ? 2 : 1;
                any |= st[a] == 2;
            }
            if (!any) {
                break;
            }
            for (int a = 0; a < dims; a++) {
                size[a] /= st[a];
            }
            strides.add(st);
        }
        int n = strides.size();
        int[] features = new int[n];
        long[][] kernels = new long[n][];
        int[] blocks = new int[n];
        int[] decoder = new int[n - 1];
        for (int s = 0; s < n; s++) {
            features[s] = Math.min(32 << s, cap);
            kernels[s] = new long[dims];
            Arrays.fill(kernels[s], 3);
            blocks[s] = 2;
        }
        Arrays.fill(decoder, 2);
        return new BackbonePlan(features, kernels, strides.toArray(new long[0][]), blocks, decoder);
    }

    private static long[] ones(int dims) {
        long[] o = new long[dims];
        Arrays.fill(o, 1);
        return o;
    }

    private static long[][] deepCopy(long[][] a) {
        long[][] c = new long[a.length][];
        for (int i = 0; i < a.length; i++) {
            c[i] = a[i].clone();
        }
        return c;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BackbonePlan p && Arrays.equals(features, p.features) && Arrays.deepEquals(kernels, p.kernels)
                && Arrays.deepEquals(strides, p.strides) && Arrays.equals(blocksPerStage, p.blocksPerStage)
                && Arrays.equals(blocksPerDecoderStage, p.blocksPerDecoderStage);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(features) * 31 + Arrays.deepHashCode(strides);
    }

    @Override
    public String toString() {
        return "BackbonePlan[features=" + Arrays.toString(features) + ", kernels=" + Arrays.deepToString(kernels)
                + ", strides=" + Arrays.deepToString(strides) + ", blocks=" + Arrays.toString(blocksPerStage)
                + ", decoderBlocks=" + Arrays.toString(blocksPerDecoderStage) + "]";
    }
}
