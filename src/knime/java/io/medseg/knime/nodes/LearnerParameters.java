package io.medseg.knime.nodes;

import org.knime.core.node.InvalidSettingsException;
import org.knime.node.parameters.NodeParameters;
import org.knime.node.parameters.Widget;
import org.knime.node.parameters.widget.choices.ChoicesProvider;
import org.knime.node.parameters.persistence.Persist;

import io.medseg.knime.node.EngineChoices;
import io.medseg.knime.node.EngineSettings;

/**
 * Dialog and settings of the Segmentation Learner node, generated from the engine's settings schema
 * (io.medseg.knime.ParametersSource; do not edit): config keys, defaults and descriptions are the engine's.
 */
public final class LearnerParameters implements NodeParameters {
    static final String TYPE = "segmentation-learner";

    @Widget(title = "Epochs", description = "Epochs (empty: the architecture's recipe: LightM-UNet 100, xLSTM-UNet 4000, nnU-Net family 1000). Allowed: an integer in [1, 1000000] or empty.")
    @Persist(configKey = "epochs")
    public String m_epochs = "";

    @Widget(title = "Iterations", description = "Optimiser steps per epoch (empty: 250). Allowed: an integer in [1, 1000000] or empty.")
    @Persist(configKey = "iterations")
    public String m_iterations = "";

    @Widget(title = "Learning rate", description = "Initial learning rate (empty: the recipe's; LightM-UNet's Adam starts at 2e-3 in runs under 2,500 steps). Allowed: a number > 0 or empty.")
    @Persist(configKey = "learning_rate")
    public String m_learningRate = "";

    @Widget(title = "Batch size", description = "Patches per step (empty: the plan's). Allowed: an integer in [1, 4096] or empty.")
    @Persist(configKey = "batch_size")
    public String m_batchSize = "";

    @Widget(title = "Val fraction", description = "Share of the cases held out for validation when no validation table is connected (0 = none; at least one case is always trained on). Allowed: a number in [0, 1).")
    @Persist(configKey = "val_fraction")
    public double m_valFraction = 0.2;

    @Widget(title = "Val iterations", description = "Validation batches per epoch for the pseudo-Dice. Allowed: an integer in [0, 100000].")
    @Persist(configKey = "val_iterations")
    public long m_valIterations = 50L;

    @Widget(title = "Patience", description = "Stop after this many epochs without a better moving-average pseudo-Dice (0 = never). Allowed: an integer in [0, 1000000].")
    @Persist(configKey = "patience")
    public long m_patience = 0L;

    @Widget(title = "Seed", description = "Seed of initialisation, data order and augmentation. Allowed: an integer.")
    @Persist(configKey = "seed")
    public long m_seed = 0L;

    @Widget(title = "Device", description = "auto (the first GPU, else the CPU), cpu, gpu:N or gpu:N,M (training data-parallel). Allowed: auto, cpu, gpu:N or gpu:N,M,....")
    @Persist(configKey = "device")
    public String m_device = "auto";

    @Widget(title = "Precision", description = "fp32, bf16 or auto (bf16 on GPUs that support it). Allowed: one of auto, fp32, bf16.")
    @ChoicesProvider(LearnerParameters.PrecisionChoices.class)
    @Persist(configKey = "precision")
    public String m_precision = "auto";

    @Widget(title = "Augmentation", description = "Augment training patches on the fly (nnU-Net's augmentations). Allowed: true or false.")
    @Persist(configKey = "augmentation")
    public boolean m_augmentation = true;

    @Widget(title = "Loader threads", description = "Threads building augmented batches. Allowed: an integer in [1, 64].")
    @Persist(configKey = "loader_threads")
    public long m_loaderThreads = 2L;

    /** The engine's allowed values of 'precision'. */
    public static final class PrecisionChoices extends EngineChoices {
        public PrecisionChoices() {
            super(TYPE, "precision");
        }
    }

    /** The engine's own validation, so messages name the setting and what it allows. */
    @Override
    public void validate() throws InvalidSettingsException {
        EngineSettings.resolve(TYPE, this);
    }
}
