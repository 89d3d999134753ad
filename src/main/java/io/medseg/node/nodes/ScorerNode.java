package io.medseg.node.nodes;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.medseg.evaluation.CasePairs;
import io.medseg.evaluation.CaseScores;
import io.medseg.evaluation.LabelMetrics;
import io.medseg.evaluation.MetricSummary;
import io.medseg.evaluation.ScoreReport;
import io.medseg.evaluation.Scoring;
import io.medseg.node.AbstractMedSegNode;
import io.medseg.node.ColumnSpec;
import io.medseg.node.ColumnType;
import io.medseg.node.RunContext;
import io.medseg.node.SettingValues;
import io.medseg.node.PortDefinition;
import io.medseg.node.PortKind;
import io.medseg.node.PortData;
import io.medseg.node.PortSpec;
import io.medseg.node.Setting;
import io.medseg.node.SettingsSchema;
import io.medseg.node.Table;
import io.medseg.node.TableSpec;

/**
 * Segmentation Scorer: cases with a prediction and a reference column → per-case metrics (Dice, IoU, HD95, ASSD, NSD,
 * volumes; one row per case and label) and their per-label summary (mean, std, median over the n cases with a finite
 * value, and how many were undefined or infinite), as {@code medseg score}.
 */
public final class ScorerNode extends AbstractMedSegNode {
    public static final String TYPE = "segmentation-scorer";

    private static final SettingsSchema SETTINGS = new SettingsSchema(
            Setting.text(Settings.PREDICTION_COLUMN, PredictorNode.PREDICTION, "Column with the predicted label"
                    + " maps."),
            Setting.text(Settings.REFERENCE_COLUMN, CaseTable.LABEL, "Column with the reference label maps."),
            Setting.number(Settings.NSD_TOLERANCE, Scoring.DEFAULT_NSD_TOLERANCE, Scoring.NSD_TOLERANCE, "Tolerance"
                    + " of the normalised surface Dice in mm."),
            Setting.choice(Settings.EMPTY, "nan", "A label absent from both masks scores nan (left out of the summary)"
                    + " or one (perfect).", "nan", "one"),
            Setting.optionalSizes(Settings.LABELS, "Labels to score, e.g. 1,2 (empty: every label found)."));

    /** The settings, typed, read once. */
    record Settings(String predictionColumn, String referenceColumn, double nsdTolerance, String empty,
            List<Integer> labels) {
        static final String PREDICTION_COLUMN = "prediction_column";
        static final String REFERENCE_COLUMN = "reference_column";
        static final String NSD_TOLERANCE = "nsd_tolerance";
        static final String EMPTY = "empty";
        static final String LABELS = "labels";

        static Settings from(SettingValues s) {
            long[] labels = s.getSizes(LABELS);
            return new Settings(s.getString(PREDICTION_COLUMN), s.getString(REFERENCE_COLUMN),
                    s.getDouble(NSD_TOLERANCE), s.getString(EMPTY),
                    labels == null ? null : java.util.Arrays.stream(labels).mapToObj(Math::toIntExact).toList());
        }
    }

    public ScorerNode() {
        super(TYPE,
                "Segmentation Scorer",
                "Scores predicted label maps against references: per-case metrics and a per-label summary.",
                List.of(PortDefinition.required("cases", PortKind.TABLE, "Cases with prediction and reference paths.")),
                List.of(PortDefinition.required("metrics", PortKind.TABLE, "One row per case and label."),
                        PortDefinition.required("summary", PortKind.TABLE, "One row per label and metric.")),
                SETTINGS);
    }

    @Override
    public List<PortSpec> configure(List<PortSpec> inputs, SettingValues s) {
        TableSpec in = (TableSpec) inputs.get(0);
        Settings settings = Settings.from(s);
        if (in != null) {
            in.require(s.nodeId(), "cases", CaseTable.CASE, ColumnType.STRING);
            in.require(s.nodeId(), "cases", settings.predictionColumn(), ColumnType.PATH);
            in.require(s.nodeId(), "cases", settings.referenceColumn(), ColumnType.PATH);
        }
        return List.of(withLabelNames(METRICS, in), withLabelNames(SUMMARY, in));
    }

    /**
     * The output spec carrying the cases' label names (value by name), so that readers of the scores (the run report,
     * a KNIME table view) can say "organ" where the tables say 1.
     */
    private static TableSpec withLabelNames(TableSpec out, TableSpec cases) {
        String labels = cases == null ? null : cases.properties().get(TableSpec.LABELS);
        return labels == null ? out : out.withProperty(TableSpec.LABELS, labels);
    }

    static final TableSpec METRICS = metricsSpec();
    static final TableSpec SUMMARY = new TableSpec(List.of(new ColumnSpec("label", ColumnType.INTEGER),
            new ColumnSpec("metric", ColumnType.STRING), new ColumnSpec("mean", ColumnType.DOUBLE),
            new ColumnSpec("std", ColumnType.DOUBLE), new ColumnSpec("median", ColumnType.DOUBLE),
            new ColumnSpec("n", ColumnType.INTEGER), new ColumnSpec("n_undefined", ColumnType.INTEGER),
            new ColumnSpec("n_infinite", ColumnType.INTEGER)));

    private static TableSpec metricsSpec() {
        List<ColumnSpec> columns = new ArrayList<>(List.of(new ColumnSpec("case", ColumnType.STRING),
                new ColumnSpec("label", ColumnType.INTEGER)));
        for (String name : LabelMetrics.NAMES) {
            columns.add(new ColumnSpec(name, ColumnType.DOUBLE));
        }
        return new TableSpec(columns);
    }

    /** Scores through {@link Scoring}, as {@code medseg score} does; cases lacking either file are skipped. */
    @Override
    public List<PortData> execute(List<PortData> inputs, SettingValues s, RunContext exec) {
        Settings settings = Settings.from(s);
        Table cases = (Table) inputs.get(0);
        List<CasePairs.Pair> pairs = new ArrayList<>();
        for (Table.Row r : cases.rows()) {
            String id = r.string(CaseTable.CASE);
            Path pred = r.path(settings.predictionColumn());
            Path ref = r.path(settings.referenceColumn());
            if (pred == null || ref == null) {
                exec.warn("case " + id + ": no " + (pred == null ? "prediction" : "reference") + ", not scored");
            } else {
                pairs.add(new CasePairs.Pair(id, pred, ref));
            }
        }
        if (pairs.isEmpty()) {
            // e.g. a dataset whose test cases have no labelsTs: the predictions are still the run's result
            exec.warn("no case has both a '" + settings.predictionColumn() + "' and a '" + settings.referenceColumn()
                    + "' file; nothing scored");
        }
        ScoreReport report = Scoring.builder().optNsdTolerance(settings.nsdTolerance()).optEmpty(settings.empty())
                .optLabels(settings.labels()).optNames(key -> Setting.name(s.nodeId(), key)).build()
                .score(pairs, (i, n, id) -> exec.setProgress((double) i / n, "scoring " + id), exec::isCancelled);
        Table.Builder metrics = Table.builder(withLabelNames(METRICS, cases.spec()));
        for (CaseScores c : report.cases()) {
            for (LabelMetrics m : c.labels()) {
                List<Object> row = new ArrayList<>(List.of(c.caseId(), (long) m.label()));
                for (double v : m.values()) {
                    row.add(v);
                }
                metrics.add(row.toArray());
            }
        }
        Table.Builder summary = Table.builder(withLabelNames(SUMMARY, cases.spec()));
        Map<Integer, String> names = CaseTable.labelNames(cases.spec());
        for (Map.Entry<Integer, Map<String, MetricSummary>> e : report.summary().entrySet()) {
            for (Map.Entry<String, MetricSummary> m : e.getValue().entrySet()) {
                MetricSummary v = m.getValue();
                summary.add((long) e.getKey(), m.getKey(), v.mean(), v.std(), v.median(), (long) v.n(),
                        (long) v.undefined(), (long) v.infinite());
            }
            MetricSummary dice = e.getValue().get("dice");
            exec.message(String.format(java.util.Locale.ROOT, "label %d%s: mean Dice %.4f (n %d)", e.getKey(),
                    names.containsKey(e.getKey()) ? " (" + names.get(e.getKey()) + ")" : "", dice.mean(), dice.n()));
        }
        return List.of(metrics.build(), summary.build());
    }
}
