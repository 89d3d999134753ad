package io.medseg.training;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;

import io.medseg.MedSegException;
import io.medseg.Range;
import io.medseg.dataset.SegmentationDataset;
import io.medseg.nn.networks.Architecture;
import io.medseg.preprocessing.PreprocessedCase;
import io.medseg.preprocessing.PreprocessingPlan;

/**
 * Builds a {@link TrainingRun}, DJL style: {@code set*} for what a run needs (the run folder, the data), {@code opt*}
 * for the rest, whose defaults are nnU-Net's (the recipe's and plan's values, a fifth held out, 50 pseudo-Dice
 * batches, seed 0, augmentation on, device auto). {@link #build()} checks every value and reports every problem at
 * once, one line each joined by "; ", each value named by its learner setting key through {@link #optNames}.
 */
public final class TrainingRunBuilder {
    Path output;
    SegmentationDataset dataset;
    List<PreprocessedCase> cases;
    List<PreprocessedCase> validationCases;
    PreprocessingPlan plan;
    private String planOrigin;
    Architecture architecture;
    Integer dims;
    Long memoryBytes;
    long[] patch;
    TrainingOptions options = TrainingOptions.defaults("auto");
    boolean resume;
    Path modelFile;
    Map<String, String> notes = new LinkedHashMap<>();
    TrainingListener listener = new TrainingListener() {
    };
    BooleanSupplier cancelled = () -> false;
    UnaryOperator<String> names = UnaryOperator.identity();
    private FinalValidation finalValidation;

    TrainingRunBuilder() {
    }

    /** The run folder: plan, checkpoints, history, model (new, or the folder of the run to resume). */
    public TrainingRunBuilder setOutput(Path dir) {
        this.output = dir;
        return this;
    }

    /** Raw data: the dataset's labelled training cases are preprocessed into the run folder and split. */
    public TrainingRunBuilder setDataset(SegmentationDataset dataset) {
        this.dataset = dataset;
        return this;
    }

    /**
     * Preprocessed data (with {@link #optPlan}, the plan they were preprocessed with): {@code validation} null splits
     * {@code training} by the validation fraction, otherwise these are the held-out cases.
     */
    public TrainingRunBuilder setCases(List<PreprocessedCase> training, List<PreprocessedCase> validation) {
        this.cases = List.copyOf(training);
        this.validationCases = validation == null ? null : List.copyOf(validation);
        return this;
    }

    /** Train with this plan instead of planning; {@code origin} (its file) is named when it disagrees. */
    public TrainingRunBuilder optPlan(PreprocessingPlan plan, String origin) {
        this.plan = plan;
        this.planOrigin = origin;
        return this;
    }

    /** The network to plan for (required when planning; checked against a given plan). */
    public TrainingRunBuilder optArchitecture(Architecture architecture) {
        this.architecture = architecture;
        return this;
    }

    /** The network's dimensionality, 2 or 3 (required when planning; checked against a given plan). */
    public TrainingRunBuilder optDims(Integer dims) {
        this.dims = dims;
        return this;
    }

    /** Planning: the memory budget in bytes (default: the GPU's memory, else half of the machine's). */
    public TrainingRunBuilder optMemory(Long bytes) {
        this.memoryBytes = bytes;
        return this;
    }

    /** Planning: the patch size instead of the planner's. */
    public TrainingRunBuilder optPatch(long[] patch) {
        this.patch = patch == null ? null : patch.clone();
        return this;
    }

    /** Recipe overrides and run settings (epochs, rate, batch, validation fraction, seed, device, precision...). */
    public TrainingRunBuilder optOptions(TrainingOptions options) {
        this.options = options;
        return this;
    }

    /** Continue the run in the output folder from its last checkpoint (its plan, settings and split; new device). */
    public TrainingRunBuilder optResume(boolean resume) {
        this.resume = resume;
        return this;
    }

    /** Where the final model goes (default: {@code model.medseg} in the run folder). */
    public TrainingRunBuilder optModelFile(Path file) {
        this.modelFile = file;
        return this;
    }

    /** Free text kept in the model (dataset, node id). */
    public TrainingRunBuilder optNotes(Map<String, String> notes) {
        this.notes = new LinkedHashMap<>(notes);
        return this;
    }

    public TrainingRunBuilder optListener(TrainingListener listener) {
        this.listener = listener;
        return this;
    }

    /** Polled every step; when it turns true the run stops with a CancellationException, its checkpoint kept. */
    public TrainingRunBuilder optCancelled(BooleanSupplier cancelled) {
        this.cancelled = cancelled;
        return this;
    }

    /** Where the postprocessing is decided (default: raw images for a dataset, the grid for preprocessed cases). */
    public TrainingRunBuilder optFinalValidation(FinalValidation where) {
        this.finalValidation = where;
        return this;
    }

    /**
     * How problems name a value, from its learner setting key (epochs, val_fraction...; also model, dims, resume
     * and output) to the caller's spelling, e.g. {@code --val-fraction}. Default: the key itself.
     */
    public TrainingRunBuilder optNames(UnaryOperator<String> names) {
        this.names = names;
        return this;
    }

    FinalValidation finalValidation() {
        return finalValidation != null ? finalValidation
                : dataset != null ? FinalValidation.RAW_IMAGES : FinalValidation.PREPROCESSED_GRID;
    }

    /** @throws MedSegException naming every problem, one line each joined by "; " */
    public TrainingRun build() {
        List<String> p = new ArrayList<>();
        if (output == null) {
            p.add(names.apply("output") + " is required (the run folder)");
        }
        if ((dataset == null) == (cases == null)) {
            p.add("give either a dataset or preprocessed cases to train on");
        }
        if (cases != null && plan == null) {
            p.add("preprocessed cases need the plan they were preprocessed with");
        }
        if (finalValidation() == FinalValidation.RAW_IMAGES && dataset == null) {
            p.add("the final validation on raw images needs the raw dataset");
        }
        if (output != null && resume && !TrainingRun.hasCheckpoint(output)) {
            p.add(output + ": nothing to resume (no " + Trainer.LATEST + ")");
        } else if (output != null && !resume && TrainingRun.hasCheckpoint(output)) {
            p.add(output + ": holds a training run already; add " + names.apply("resume") + " to continue it or"
                    + " choose another " + names.apply("output"));
        }
        if (!resume) {
            checkNetwork(p);
        }
        p.addAll(options.problems(names));
        if (!p.isEmpty()) {
            throw new MedSegException(String.join("; ", p));
        }
        return new TrainingRun(this);
    }

    /** The network to train: planned from model and dims, or a given plan that must agree with them. */
    private void checkNetwork(List<String> p) {
        if (dims != null && dims != 2 && dims != 3) {
            p.add(Range.problem(names.apply("dims"), "2 or 3", dims));
        }
        if (plan == null) {
            // without a dataset there is nothing to plan from, which is reported already
            if (dataset != null && (architecture == null || dims == null)) {
                p.add(names.apply("model") + " and " + names.apply("dims") + " are required (except when resuming)");
            }
            return;
        }
        if (architecture != null && plan.network().architecture() != architecture) {
            p.add(planOrigin + ": plans " + plan.network().architecture().id() + ", not " + names.apply("model") + " "
                    + architecture.id() + "; plan again with `medseg plan --model " + architecture.id() + "`");
        }
        if (dims != null && plan.dims() != dims) {
            p.add(names.apply("dims") + " " + dims + ": the plan " + planOrigin + " is " + plan.dims() + "D; plan"
                    + " again with `medseg plan --dims " + dims + "`");
        }
    }
}
