package io.medseg.evaluation;

import java.util.List;

/** The scores of every evaluated label of one case, in label order. */
public record CaseScores(String caseId, List<LabelMetrics> labels) {
    public CaseScores {
        labels = List.copyOf(labels);
    }
}
