package io.medseg.evaluation;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SortedSet;

import io.medseg.MedSegException;
import io.medseg.image.Volume;
import io.medseg.io.ImageFiles;

/**
 * Scoring prediction/reference file pairs, shared by the score command and the Segmentation Scorer node: reading a
 * pair with its shape and geometry checked, and completing per-case label sets.
 */
public final class PairScoring {
    /** Largest affine difference (mm) between a prediction and its reference. */
    public static final double GEOMETRY_TOLERANCE = 1e-3;

    private PairScoring() {
    }

    /** Reads prediction and reference and checks they share shape and geometry, naming the case otherwise. */
    public static LabelMap[] read(String caseId, Path prediction, Path reference) {
        Volume p = ImageFiles.read(prediction);
        Volume r = ImageFiles.read(reference);
        String id = "case " + caseId;
        if (p.spatialDims() != r.spatialDims() || !Arrays.equals(p.shape(), r.shape())) {
            throw new MedSegException(id + ": prediction shape " + Arrays.toString(p.shape()) + " (" + prediction
                    + ") differs from reference shape " + Arrays.toString(r.shape()));
        }
        if (!p.geometry().approximatelyEquals(r.geometry(), GEOMETRY_TOLERANCE)) {
            throw new MedSegException(id + ": prediction geometry (spacing " + Arrays.toString(p.geometry().spacing())
                    + ", origin " + Arrays.toString(p.geometry().origin()) + ") differs from reference (spacing "
                    + Arrays.toString(r.geometry().spacing()) + ", origin " + Arrays.toString(r.geometry().origin())
                    + ")");
        }
        try {
            return new LabelMap[] { LabelMap.of(p), LabelMap.of(r) };
        } catch (IllegalArgumentException e) {
            throw new MedSegException(id + ": " + e.getMessage());
        }
    }

    /**
     * Labels are discovered per case, so a label seen only in other cases is missing from this one: it is absent from
     * both masks here, and the both-empty result is the same for any grid, so it is added without rereading.
     */
    public static List<CaseScores> fillAbsentLabels(List<CaseScores> cases, SortedSet<Integer> all,
            SegmentationScorer scorer) {
        List<CaseScores> filled = new ArrayList<>();
        for (CaseScores c : cases) {
            List<LabelMetrics> ms = new ArrayList<>();
            for (int label : all) {
                ms.add(c.labels().stream().filter(m -> m.label() == label).findFirst()
                        .orElseGet(() -> scorer.bothEmpty(label)));
            }
            filled.add(new CaseScores(c.caseId(), ms));
        }
        return filled;
    }
}
