package io.medseg.evaluation;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Scores of all cases and their per-label summary. Every case is reported for every label of the report; a label a
 * case lacks in both prediction and reference gets the {@link EmptyMaskConvention} result, so the summary's n tells
 * how many cases defined the metric.
 */
public final class ScoreReport {
    private final List<CaseScores> cases;
    private final SortedSet<Integer> labels;

    public ScoreReport(List<CaseScores> cases) {
        this.cases = List.copyOf(cases);
        this.labels = new TreeSet<>();
        for (CaseScores c : cases) {
            c.labels().forEach(m -> labels.add(m.label()));
        }
    }

    public List<CaseScores> cases() {
        return cases;
    }

    public SortedSet<Integer> labels() {
        return new TreeSet<>(labels);
    }

    /** The metrics of one case and label, if scored. */
    public Optional<LabelMetrics> get(String caseId, int label) {
        return cases.stream().filter(c -> c.caseId().equals(caseId)).flatMap(c -> c.labels().stream())
                .filter(m -> m.label() == label).findFirst();
    }

    /** Per label: metric name ({@link LabelMetrics#NAMES}) to its summary over cases. */
    public Map<Integer, Map<String, MetricSummary>> summary() {
        Map<Integer, Map<String, MetricSummary>> out = new LinkedHashMap<>();
        for (int label : labels) {
            List<double[]> rows = new ArrayList<>();
            for (CaseScores c : cases) {
                c.labels().stream().filter(m -> m.label() == label).forEach(m -> rows.add(m.values()));
            }
            Map<String, MetricSummary> perMetric = new LinkedHashMap<>();
            for (int k = 0; k < LabelMetrics.NAMES.length; k++) {
                double[] column = new double[rows.size()];
                for (int i = 0; i < column.length; i++) {
                    column[i] = rows.get(i)[k];
                }
                perMetric.put(LabelMetrics.NAMES[k], MetricSummary.of(column));
            }
            out.put(label, perMetric);
        }
        return out;
    }
}
