package io.medseg.evaluation;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;

import io.medseg.MedSegException;
import io.medseg.Range;

/**
 * The one scoring entry point, which {@code medseg score} and the Segmentation Scorer node both wrap: each
 * prediction/reference pair read with its shape and geometry checked ({@link PairScoring#read}), scored per label
 * ({@link SegmentationScorer}), the labels either given or every non-zero label found in any prediction or reference,
 * and a label found only in some cases completed as absent from both masks in the others. Built with
 * {@link #builder()}, whose {@code build()} checks every value against the limits both front ends share.
 */
public final class Scoring {
    /** NSD tolerance in mm: any finite distance, 0 counting only exact surface agreement. */
    public static final Range NSD_TOLERANCE = Range.atLeast(0);
    public static final double DEFAULT_NSD_TOLERANCE = 1.0;

    private final SegmentationScorer scorer;
    private final SortedSet<Integer> labels;

    private Scoring(SegmentationScorer scorer, SortedSet<Integer> labels) {
        this.scorer = scorer;
        this.labels = labels;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Told before each pair is scored (index 0-based), for progress. */
    @FunctionalInterface
    public interface Progress {
        void scoring(int index, int count, String caseId);
    }

    /** Scores every pair. @throws CancellationException when {@code cancelled} turns true between pairs */
    public ScoreReport score(List<CasePairs.Pair> pairs, Progress progress, BooleanSupplier cancelled) {
        List<CaseScores> scored = new ArrayList<>();
        SortedSet<Integer> seen = new TreeSet<>();
        for (int i = 0; i < pairs.size(); i++) {
            if (cancelled.getAsBoolean()) {
                throw new CancellationException();
            }
            CasePairs.Pair pair = pairs.get(i);
            progress.scoring(i, pairs.size(), pair.caseId());
            LabelMap[] maps = PairScoring.read(pair.caseId(), pair.prediction(), pair.reference());
            SortedSet<Integer> caseLabels = new TreeSet<>();
            if (labels != null) {
                caseLabels.addAll(labels);
            } else {
                caseLabels.addAll(maps[0].foregroundLabels());
                caseLabels.addAll(maps[1].foregroundLabels());
                seen.addAll(caseLabels);
            }
            scored.add(scorer.scoreCase(pair.caseId(), maps[0], maps[1], caseLabels));
        }
        return new ScoreReport(labels == null ? PairScoring.fillAbsentLabels(scored, seen, scorer) : scored);
    }

    /**
     * {@code opt*} only (defaults: NSD tolerance {@value #DEFAULT_NSD_TOLERANCE} mm, empty masks nan as nnU-Net,
     * every label found). Problems name values by the scorer node's setting keys (nsd_tolerance, empty, labels)
     * through {@link #optNames}.
     */
    public static final class Builder {
        private double tolerance = DEFAULT_NSD_TOLERANCE;
        private String empty = "nan";
        private Collection<Integer> labels;
        private UnaryOperator<String> names = UnaryOperator.identity();

        private Builder() {
        }

        public Builder optNsdTolerance(double mm) {
            this.tolerance = mm;
            return this;
        }

        /** What a label absent from both masks scores: nan (left out of the summary) or one (perfect). */
        public Builder optEmpty(String convention) {
            this.empty = convention;
            return this;
        }

        /** The labels to score (null: every non-zero label found). */
        public Builder optLabels(Collection<Integer> labels) {
            this.labels = labels;
            return this;
        }

        /** How problems name a value, from its scorer setting key to the caller's spelling (e.g. --nsd-tolerance). */
        public Builder optNames(UnaryOperator<String> names) {
            this.names = names;
            return this;
        }

        /** @throws MedSegException naming every problem, one line each joined by "; " */
        public Scoring build() {
            List<String> p = new ArrayList<>();
            NSD_TOLERANCE.check(names.apply("nsd_tolerance"), tolerance, p);
            EmptyMaskConvention convention = null;
            try {
                convention = EmptyMaskConvention.parse(empty);
            } catch (IllegalArgumentException e) {
                p.add(Range.problem(names.apply("empty"), "one of nan, one", empty));
            }
            if (labels != null && labels.stream().anyMatch(l -> l <= 0)) {
                p.add(Range.problem(names.apply("labels"), "positive labels (0 is background)",
                        String.join(",", labels.stream().map(String::valueOf).toList())));
            }
            if (!p.isEmpty()) {
                throw new MedSegException(String.join("; ", p));
            }
            return new Scoring(new SegmentationScorer(tolerance, convention),
                    labels == null ? null : new TreeSet<>(labels));
        }
    }
}
