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

    /** {@link #forPatch(long[], double[])} for isotropic (unit) spacing. */
    public static BackbonePlan forPatch(long... patch) {
        double[] unit = new double[patch.length];
        Arrays.fill(unit, 1.0);
        return forPatch(patch, unit);
    }

    /**
     * nnU-Net's topology for a patch and voxel spacing (get_pool_and_conv_props with a minimum bottleneck edge of 4):
     * repeatedly pool by 2 every axis that is still at least 8 voxels long and whose current spacing is within a
     * factor 2 of the finest such axis (a single remaining axis only if it is at least 12 long); an axis gets 3-voxel
     * kernels from the stage on which its spacing comes within a factor 2 of the finest (1 before: no mixing across
     * coarse slices), and the bottleneck stage always has kernel 3. Features min(32·2^s, 320 in 3D / 512 in 2D), two
     * blocks per stage (the networks apply the released code's overrides).
     */
    public static BackbonePlan forPatch(long[] patch, double[] spacing) {
        int dims = patch.length;
        if (spacing.length != dims) {
            throw new MedSegException("spacing " + Arrays.toString(spacing) + " needs " + dims + " values");
        }
        int minEdge = 4;
        int cap = dims == 3 ? 320 : 512;
        double[] current = spacing.clone();
        double[] size = new double[dims];
        for (int a = 0; a < dims; a++) {
            size[a] = patch[a];
        }
        java.util.List<long[]> strides = new java.util.ArrayList<>();
        java.util.List<long[]> kernels = new java.util.ArrayList<>();
        strides.add(ones(dims));
        long[] kernel = ones(dims);
        while (true) {
            java.util.List<Integer> valid = new java.util.ArrayList<>();
            for (int a = 0; a < dims; a++) {
                if (size[a] >= 2 * minEdge) {
                    valid.add(a);
                }
            }
            if (valid.isEmpty()) {
                break;
            }
            double finest = valid.stream().mapToDouble(a -> current[a]).min().getAsDouble();
            valid.removeIf(a -> current[a] / finest >= 2);
            if (valid.size() == 1 && size[valid.get(0)] < 3 * minEdge) {
                break;
            }
            if (valid.isEmpty()) {
                break;
            }
            double finestAll = Arrays.stream(current).min().getAsDouble();
            for (int a = 0; a < dims; a++) {
                if (kernel[a] != 3 && current[a] / finestAll < 2) {
                    kernel[a] = 3;
                }
            }
            long[] stride = new long[dims];
            for (int a = 0; a < dims; a++) {
                boolean pool = valid.contains(a);
                stride[a] = pool ? 2 : 1;
                if (pool) {
                    current[a] *= 2;
                    size[a] = Math.ceil(size[a] / 2);
                }
            }
            strides.add(stride);
            kernels.add(kernel.clone());
        }
        long[] bottleneck = new long[dims];
        Arrays.fill(bottleneck, 3);
        kernels.add(bottleneck);
        int n = strides.size();
        int[] features = new int[n];
        int[] blocks = new int[n];
        int[] decoder = new int[Math.max(0, n - 1)];
        for (int s = 0; s < n; s++) {
            features[s] = (int) Math.min(32L << Math.min(s, 20), cap);
            blocks[s] = 2;
        }
        Arrays.fill(decoder, 2);
        if (n < 2) {
            throw new MedSegException("patch " + Arrays.toString(patch) + " is too small for the residual backbone: no axis"
                    + " can be pooled (every axis needs at least 8 voxels)");
        }
        return new BackbonePlan(features, kernels.toArray(new long[0][]), strides.toArray(new long[0][]), blocks, decoder);
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
