package io.medseg.nn.networks;

import java.util.Arrays;
import java.util.stream.IntStream;

import io.medseg.MedSegException;

/**
 * Everything needed to build a network, as plain data (it is stored in model files).
 *
 * @param architecture which network
 * @param dims 2 or 3
 * @param inChannels input channels (modalities)
 * @param classes output classes including background
 * @param plan the backbone topology for the nnU-Net family; null for LightM-UNet, whose topology is fixed
 * @param deepSupervision whether the backbone family returns a segmentation head output per decoder stage
 * @param axisOrder for a network trained outside MedSeg on arrays in another axis order (nnU-Net reads NIfTI files
 *        through SimpleITK as (z, y, x), and may transpose them): network axis n is MedSeg's image axis
 *        axisOrder[n]; null when the network takes MedSeg's order (i, j[, k]). The plan's kernels and strides are in
 *        the network's order.
 * @param folds how many networks of this config form the model (an imported nnU-Net cross-validation ensemble,
 *        predicting the mean of their softmax probabilities); null for one
 */
public record NetworkConfig(Architecture architecture, int dims, int inChannels, int classes, BackbonePlan plan,
        boolean deepSupervision, int[] axisOrder, Integer folds) {

    /** A network MedSeg trains: its own axis order, one network. */
    public NetworkConfig(Architecture architecture, int dims, int inChannels, int classes, BackbonePlan plan,
            boolean deepSupervision) {
        this(architecture, dims, inChannels, classes, plan, deepSupervision, null, null);
    }

    public NetworkConfig {
        if (dims != 2 && dims != 3) {
            throw new MedSegException("model dimensionality must be 2 or 3, got " + dims);
        }
        if (inChannels < 1 || classes < 2) {
            throw new MedSegException("a model needs at least 1 input channel and 2 classes, got " + inChannels + " and "
                    + classes);
        }
        if (architecture.usesBackbonePlan() && plan == null) {
            throw new MedSegException(architecture + " needs a backbone plan (stages, kernels, strides)");
        }
        if (plan != null && plan.dims() != dims) {
            throw new MedSegException("backbone plan is " + plan.dims() + "D but the model is " + dims + "D");
        }
        if (architecture == Architecture.LIGHTM_UNET && deepSupervision) {
            throw new MedSegException("lightm-unet has no deep supervision (its trainer disables it)");
        }
        if (axisOrder != null) {
            if (axisOrder.length != dims || !Arrays.equals(Arrays.stream(axisOrder).sorted()
                    .toArray(), IntStream.range(0, dims).toArray())) {
                throw new MedSegException("network axis order " + Arrays.toString(axisOrder)
                        + " must be a permutation of the " + dims + " image axes");
            }
            axisOrder = isIdentity(axisOrder) ? null : axisOrder.clone();
        }
        if (folds != null && (folds < 1 || deepSupervision)) {
            throw new MedSegException("an ensemble needs at least one fold and no deep supervision, got " + folds);
        }
        if (folds != null && folds == 1) {
            folds = null;
        }
    }

    /** The same network without deep supervision: what prediction evaluates (only the full-resolution head). */
    public NetworkConfig withoutDeepSupervision() {
        return new NetworkConfig(architecture, dims, inChannels, classes, plan, false, axisOrder, folds);
    }

    @Override
    public int[] axisOrder() {
        return axisOrder == null ? null : axisOrder.clone();
    }

    /** Networks in the model: 1, or an ensemble's folds. */
    public int foldCount() {
        return folds == null ? 1 : folds;
    }

    /** Per-axis values (a patch size, a spacing) in MedSeg's image order, rearranged into the network's order. */
    public long[] toNetworkOrder(long[] imageOrder) {
        if (axisOrder == null) {
            return imageOrder.clone();
        }
        long[] out = new long[imageOrder.length];
        for (int n = 0; n < out.length; n++) {
            out[n] = imageOrder[axisOrder[n]];
        }
        return out;
    }

    /** {@link #toNetworkOrder(long[])} for real values (a spacing). */
    public double[] toNetworkOrder(double[] imageOrder) {
        double[] out = imageOrder.clone();
        for (int n = 0; axisOrder != null && n < out.length; n++) {
            out[n] = imageOrder[axisOrder[n]];
        }
        return out;
    }

    /** {@link #toImageOrder(long[])} for real values (a spacing). */
    public double[] toImageOrder(double[] networkOrder) {
        double[] out = networkOrder.clone();
        for (int n = 0; axisOrder != null && n < out.length; n++) {
            out[axisOrder[n]] = networkOrder[n];
        }
        return out;
    }

    /** The inverse of {@link #toNetworkOrder}. */
    public long[] toImageOrder(long[] networkOrder) {
        if (axisOrder == null) {
            return networkOrder.clone();
        }
        long[] out = new long[networkOrder.length];
        for (int n = 0; n < out.length; n++) {
            out[axisOrder[n]] = networkOrder[n];
        }
        return out;
    }

    private static boolean isIdentity(int[] order) {
        for (int a = 0; a < order.length; a++) {
            if (order[a] != a) {
                return false;
            }
        }
        return true;
    }
}
