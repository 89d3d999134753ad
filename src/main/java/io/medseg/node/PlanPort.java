package io.medseg.node;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import io.medseg.preprocessing.ChannelNormalization;
import io.medseg.preprocessing.MemorySize;
import io.medseg.preprocessing.PreprocessingPlan;

/** A preprocessing plan on a port, with the plan.json it was written to; shown as a field/value table too. */
public record PlanPort(PreprocessingPlan plan, Path file) implements PortData {
    public static final TableSpec TABLE_SPEC = new TableSpec(List.of(new ColumnSpec("field", ColumnType.STRING),
            new ColumnSpec("value", ColumnType.STRING)));

    @Override
    public PlanPortSpec spec() {
        Map<String, String> labels = new java.util.LinkedHashMap<>();
        plan.labels().forEach((k, v) -> labels.put(k, v.toString()));
        return new PlanPortSpec(plan.network().architecture().id(), plan.dims(), plan.channelNames(), labels);
    }

    @Override
    public String summary() {
        return plan.network().architecture().id() + " " + plan.dims() + "D"
                + (plan.slicesVolumes() ? " on slices across axis " + plan.sliceAxis() : "")
                + ", patch " + Arrays.toString(plan.patchSize())
                + ", batch " + plan.batchSize();
    }

    /** The plan's fields as rows (the port's table view). */
    public Table toTable() {
        Table.Builder b = Table.builder(TABLE_SPEC);
        b.add("architecture", plan.network().architecture().id());
        b.add("dims", Integer.toString(plan.dims()));
        if (plan.slicesVolumes()) {
            b.add("slice_axis", Integer.toString(plan.sliceAxis()));
        }
        b.add("channels", NamedValues.encode(plan.channelNames()));
        b.add("labels", NamedValues.encode(plan.labels()));
        b.add("target_spacing", Arrays.toString(plan.targetSpacing()));
        b.add("crop_to_nonzero", Boolean.toString(plan.cropToNonzero()));
        for (int c = 0; c < plan.normalization().size(); c++) {
            ChannelNormalization n = plan.normalization().get(c);
            b.add("normalization_" + c, n.toString());
        }
        b.add("resampling", plan.resampling().toString());
        b.add("patch_size", Arrays.toString(plan.patchSize()));
        b.add("batch_size", Integer.toString(plan.batchSize()));
        b.add("network_classes", Integer.toString(plan.network().classes()));
        b.add("memory_budget", MemorySize.format(plan.memoryBudgetBytes()));
        return b.build();
    }
}
