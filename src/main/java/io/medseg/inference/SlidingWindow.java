package io.medseg.inference;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import io.medseg.MedSegException;

/**
 * Predicts a whole (preprocessed) image with a network trained on patches, as nnU-Net's sliding window does: the
 * image is covered by patch-sized tiles placed by {@link TileGrid}, each tile's softmax probabilities are weighted by
 * the {@link GaussianImportance} map and summed, and the sums are divided by the summed weights. An image smaller
 * than the patch on an axis is padded with 0 (the background of normalised images) centred as nnU-Net pads, and the
 * padding is dropped again.
 *
 * <p>As nnU-Net v1 and unlike v2 (which averages logits and applies the softmax after export resampling), the
 * averaged quantity is the probability: it is bounded, so overlapping tiles and mirrored passes cannot be dominated
 * by one overconfident logit, and it is what the caller resamples and exports. The argmax is the same in practice.
 *
 * <p>Memory: only one batch of tiles lives on the device at a time, inside an {@link NDScope} that frees its native
 * memory; the accumulators are Java arrays of the image's size (classes + 1 floats per voxel). Autograd is off while
 * predicting ({@link NoGradient}).
 *
 * <p>Layouts: images and probabilities are flat arrays as in {@link io.medseg.preprocessing.PreprocessedCase}
 * (channel × voxels, first spatial axis fastest); tiles on the network are (B, C, *patch) in C-order with the spatial
 * axes in the same order as the image's (i, j[, k]), matching the patch size the network was planned for.
 */
public final class SlidingWindow {
    private final Block network;
    private final int inChannels;
    private final int classes;
    private final long[] patch;
    private final SlidingWindowSettings settings;
    private final float[] gaussian;
    /** NDArray axes to flip for each forward pass of a tile: none first, then every mirroring combination. */
    private final int[][] flips;

    /**
     * @param network built for {@code patch} and initialised; its first output (the full-resolution head) is
     *        (B, classes, *patch) logits; further outputs (deep supervision) are ignored
     * @param patch the patch size the network was trained on (i, j[, k])
     */
    public SlidingWindow(Block network, int inChannels, int classes, long[] patch, SlidingWindowSettings settings) {
        this(network, inChannels, classes, patch, settings, null);
    }

    /**
     * @param mirrorAxes the patch axes mirroring may flip (an imported checkpoint may allow only some); null for all
     */
    public SlidingWindow(Block network, int inChannels, int classes, long[] patch, SlidingWindowSettings settings,
            int[] mirrorAxes) {
        if (network.getParameters().isEmpty()) {
            throw new IllegalArgumentException("the network has no parameters; initialise it first");
        }
        this.network = network;
        this.inChannels = inChannels;
        this.classes = classes;
        this.patch = patch.clone();
        this.settings = settings;
        this.gaussian = GaussianImportance.map(patch);
        this.flips = settings.mirroring() ? mirrorCombinations(mirrorAxes == null
                ? IntStream.range(0, patch.length).toArray() : mirrorAxes) : new int[][] { {} };
    }

    public SlidingWindowSettings settings() {
        return settings;
    }

    public long[] patch() {
        return patch.clone();
    }

    /** How many tiles an image of this spatial shape takes. */
    public int tileCount(long[] shape) {
        return TileGrid.tiles(TileGrid.paddedShape(shape, patch), patch, settings.overlap()).size();
    }

    /** {@link #predict(float[], long[], TileProgress, BooleanSupplier)} without progress reports or cancelling. */
    public float[] predict(float[] image, long[] shape) {
        return predict(image, shape, TileProgress.NONE, () -> false);
    }

    /**
     * Per-class probabilities of every voxel.
     *
     * @param image channels × voxels of {@code shape}, flattened as in {@code PreprocessedCase}
     * @param shape spatial shape (i, j[, k]) with as many axes as the patch
     * @param progress told after every tile batch
     * @param cancelled asked before every tile batch; true stops with a {@link CancellationException}
     * @return classes × voxels, flattened like the image, summing to 1 per voxel
     */
    public float[] predict(float[] image, long[] shape, TileProgress progress, BooleanSupplier cancelled) {
        if (shape.length != patch.length) {
            throw new MedSegException("the image is " + shape.length + "D but the model is " + patch.length + "D");
        }
        long voxels = 1;
        for (long s : shape) {
            voxels = Math.multiplyExact(voxels, s);
        }
        if (image.length != inChannels * voxels) {
            throw new IllegalArgumentException("image has " + image.length + " values, expected " + inChannels
                    + " channels × " + voxels + " voxels");
        }
        if (classes * voxels > Integer.MAX_VALUE - 8) {
            throw new MedSegException("image of " + TileGrid.describe(shape) + " voxels with " + classes
                    + " classes is too large to predict in one piece (more than 2^31 probabilities)");
        }
        int n = (int) voxels;
        Region image3 = new Region(shape, TileGrid.padOffset(shape, patch));
        int[] p3 = three(patch);
        int tileVoxels = p3[0] * p3[1] * p3[2];
        List<long[]> tiles = TileGrid.tiles(TileGrid.paddedShape(shape, patch), patch, settings.overlap());
        float[] sums = new float[classes * n];
        float[] weights = new float[n];
        int batch = settings.tileBatch();
        float[] input = new float[batch * inChannels * tileVoxels];
        NDManager parameters = network.getParameters().valueAt(0).getArray().getManager();
        try (NoGradient noGradient = new NoGradient(); NDManager work = parameters.newSubManager()) {
            ParameterStore ps = new ParameterStore(work, false);
            for (int first = 0; first < tiles.size(); first += batch) {
                if (cancelled.getAsBoolean()) {
                    throw new CancellationException("prediction cancelled after " + first + " of " + tiles.size()
                            + " tiles");
                }
                int b = Math.min(batch, tiles.size() - first);
                Arrays.fill(input, 0f); // padding and tile parts outside the image stay 0
                for (int t = 0; t < b; t++) {
                    image3.extract(image, n, inChannels, tiles.get(first + t), p3, input, t * inChannels * tileVoxels);
                }
                float[] probabilities;
                try (NDScope scope = new NDScope()) {
                    NDArray x = work.create(b == batch ? input : Arrays.copyOf(input, b * inChannels * tileVoxels),
                            new Shape(b, inChannels).addAll(new Shape(patch)));
                    probabilities = forward(ps, x, b).toFloatArray();
                }
                for (int t = 0; t < b; t++) {
                    image3.accumulate(probabilities, t * classes * tileVoxels, classes, tiles.get(first + t), p3,
                            gaussian, sums, weights, n);
                }
                progress.tilesDone(first + b, tiles.size());
            }
        }
        // every voxel lies in at least one tile (the tiles cover the padded image), so no weight is 0
        for (int c = 0; c < classes; c++) {
            int base = c * n;
            for (int v = 0; v < n; v++) {
                sums[base + v] /= weights[v];
            }
        }
        return sums;
    }

    /**
     * Softmax probabilities (b, classes, *patch) of a tile batch, averaged over the mirrored passes. Each pass runs in
     * its own scope so that only the running sum outlives it: DJL keeps every intermediate array until its scope
     * closes, and 8 mirrored 3D passes' activations at once would cost 8 times the memory (and, on the CPU, the page
     * faults of it).
     */
    private NDArray forward(ParameterStore ps, NDArray x, int b) {
        Shape expected = new Shape(b, classes).addAll(new Shape(patch));
        NDArray sum = null;
        for (int[] axes : flips) {
            try (NDScope pass = new NDScope()) {
                NDArray in = axes.length == 0 ? x : x.flip(axes);
                NDArray logits = network.forward(ps, new NDList(in), false).get(0);
                if (!logits.getShape().equals(expected)) {
                    throw new IllegalStateException("network output " + logits.getShape() + ", expected " + expected);
                }
                NDArray p = logits.softmax(1);
                if (axes.length > 0) {
                    p = p.flip(axes);
                }
                sum = sum == null ? p : sum.addi(p);
                NDScope.unregister(sum);
            }
            NDScope.register(sum); // back into the tile batch's scope, which frees it
        }
        return flips.length == 1 ? sum : sum.divi(flips.length);
    }

    /** Every subset of the spatial axes (NDArray axes 2..), the empty one first: nnU-Net's mirroring combinations. */
    static int[][] mirrorCombinations(int[] allowed) {
        List<int[]> combos = new ArrayList<>();
        for (int mask = 0; mask < 1 << allowed.length; mask++) {
            int[] axes = new int[Integer.bitCount(mask)];
            int i = 0;
            for (int a = 0; a < allowed.length; a++) {
                if ((mask & 1 << a) != 0) {
                    axes[i++] = allowed[a] + 2;
                }
            }
            combos.add(axes);
        }
        return combos.toArray(int[][]::new);
    }

    /** The shape padded to three axes with 1 (a 2D image is one slice). */
    static int[] three(long[] shape) {
        return new int[] { Math.toIntExact(shape[0]), Math.toIntExact(shape[1]),
                shape.length == 3 ? Math.toIntExact(shape[2]) : 1 };
    }

    /**
     * The image inside its padded shape: copies tiles out (image layout, first axis fastest → tile C-order) and adds
     * weighted tile predictions back, touching only voxels inside the image.
     */
    private static final class Region {
        private final int[] size;
        private final int[] offset;

        Region(long[] shape, long[] padOffset) {
            size = three(shape);
            offset = three(Arrays.copyOf(padOffset, 3)); // a 2D image's one slice has no padding
        }

        /** The tile's local range [lo, hi) per axis that lies inside the image, with its image coordinate = l + delta. */
        private int[][] ranges(long[] start, int[] p) {
            int[][] r = new int[3][3];
            for (int a = 0; a < 3; a++) {
                int delta = (a < start.length ? (int) start[a] : 0) - offset[a];
                r[a][0] = Math.max(0, -delta);
                r[a][1] = Math.min(p[a], size[a] - delta);
                r[a][2] = delta;
            }
            return r;
        }

        void extract(float[] image, int n, int channels, long[] start, int[] p, float[] tile, int at) {
            int[][] r = ranges(start, p);
            int tileVoxels = p[0] * p[1] * p[2];
            int plane = size[0] * size[1];
            for (int c = 0; c < channels; c++) {
                int src = c * n;
                int dst = at + c * tileVoxels;
                for (int i = r[0][0]; i < r[0][1]; i++) {
                    int gi = i + r[0][2];
                    for (int j = r[1][0]; j < r[1][1]; j++) {
                        int row = dst + (i * p[1] + j) * p[2];
                        int gij = src + (j + r[1][2]) * size[0] + gi;
                        for (int k = r[2][0]; k < r[2][1]; k++) {
                            tile[row + k] = image[gij + (k + r[2][2]) * plane];
                        }
                    }
                }
            }
        }

        void accumulate(float[] probabilities, int at, int classes, long[] start, int[] p, float[] gaussian,
                float[] sums, float[] weights, int n) {
            int[][] r = ranges(start, p);
            int tileVoxels = p[0] * p[1] * p[2];
            int plane = size[0] * size[1];
            for (int i = r[0][0]; i < r[0][1]; i++) {
                int gi = i + r[0][2];
                for (int j = r[1][0]; j < r[1][1]; j++) {
                    int row = (i * p[1] + j) * p[2];
                    int gij = (j + r[1][2]) * size[0] + gi;
                    for (int k = r[2][0]; k < r[2][1]; k++) {
                        int local = row + k;
                        int v = gij + (k + r[2][2]) * plane;
                        float w = gaussian[local];
                        weights[v] += w;
                        for (int c = 0; c < classes; c++) {
                            sums[c * n + v] += probabilities[at + c * tileVoxels + local] * w;
                        }
                    }
                }
            }
        }
    }
}
