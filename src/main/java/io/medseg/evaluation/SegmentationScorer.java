package io.medseg.evaluation;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;

/**
 * Scores one binary prediction against one binary reference on the same grid.
 *
 * <p>Empty masks: when both are empty the result follows the {@link EmptyMaskConvention}. When exactly one is empty,
 * Dice, IoU and NSD are 0 and HD95 and ASSD are +infinity (there is no surface to measure to; infinity keeps such a
 * case visibly worst instead of silently dropping it from means as NaN would). Relative volume difference is +infinity
 * for a non-empty prediction of an empty reference.
 */
public final class SegmentationScorer {
    private final double tolerance;
    private final EmptyMaskConvention empty;

    /**
     * @param toleranceMm NSD tolerance tau in mm
     */
    public SegmentationScorer(double toleranceMm, EmptyMaskConvention empty) {
        if (!(toleranceMm >= 0) || Double.isInfinite(toleranceMm)) {
            throw new IllegalArgumentException("tolerance must be a finite number of mm >= 0, got " + toleranceMm);
        }
        this.tolerance = toleranceMm;
        this.empty = empty;
    }

    public LabelMetrics score(int label, boolean[] pred, boolean[] ref, Grid grid) {
        if (pred.length != grid.voxels() || ref.length != grid.voxels()) {
            throw new IllegalArgumentException("masks do not match grid " + grid);
        }
        long p = 0;
        long r = 0;
        long both = 0;
        for (int i = 0; i < pred.length; i++) {
            p += pred[i] ? 1 : 0;
            r += ref[i] ? 1 : 0;
            both += pred[i] && ref[i] ? 1 : 0;
        }
        double vox = grid.voxelVolume();
        double predVolume = p * vox;
        double refVolume = r * vox;
        if (p == 0 && r == 0) {
            return bothEmpty(label);
        }
        double dice = 2.0 * both / (p + r);
        double iou = (double) both / (p + r - both);
        double relative = r == 0 ? Double.POSITIVE_INFINITY : (predVolume - refVolume) / refVolume;
        double hd95;
        double assd;
        double nsd;
        if (p == 0 || r == 0) {
            hd95 = Double.POSITIVE_INFINITY;
            assd = Double.POSITIVE_INFINITY;
            nsd = 0;
        } else {
            SurfaceDistances d = SurfaceDistances.between(pred, ref, grid);
            hd95 = d.hausdorff(95);
            assd = d.averageSymmetric();
            nsd = d.normalizedSurfaceDice(tolerance);
        }
        return new LabelMetrics(label, dice, iou, hd95, assd, nsd, predVolume, refVolume, predVolume - refVolume,
                relative);
    }

    /**
     * Scores every label of {@code labels} in one case. Both maps must be on the same grid; callers check geometry
     * (origin, direction) against the files because a LabelMap keeps only sizes and spacing.
     */
    public CaseScores scoreCase(String caseId, LabelMap pred, LabelMap ref, Collection<Integer> labels) {
        if (!pred.grid().equals(ref.grid())) {
            throw new IllegalArgumentException(caseId + ": prediction grid " + pred.grid() + " differs from reference "
                    + ref.grid());
        }
        List<LabelMetrics> out = new ArrayList<>();
        for (int label : new TreeSet<>(labels)) {
            out.add(score(label, pred.mask(label), ref.mask(label), ref.grid()));
        }
        return new CaseScores(caseId, out);
    }

    /** The result for a label absent from both masks; the same for every grid, so callers may use it directly. */
    public LabelMetrics bothEmpty(int label) {
        double overlap = empty == EmptyMaskConvention.ONE ? 1 : Double.NaN;
        double distance = empty == EmptyMaskConvention.ONE ? 0 : Double.NaN;
        return new LabelMetrics(label, overlap, overlap, distance, distance, overlap, 0, 0, 0, distance);
    }
}
