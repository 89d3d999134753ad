package io.medseg.nn.networks.lightm;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.medseg.MedSegException;
import io.medseg.nn.networks.Architecture;
import io.medseg.nn.networks.NetworkConfig;

/**
 * LightM-UNet (Liao et al. 2024) as released (after the 2024-03-29 fix): DWConv stem, encoder stages of
 * {@link ResMambaBlock}s with channel-doubling {@link RvmLayer}s and max-pooling between them, decoder steps of 1×1
 * conv + ×2 linear up-sampling + additive skip + {@link ResUpBlock}, and the {@link OutputHead}. The trainer's
 * configuration is the default: init_filters 32, blocks_down [1, 2, 2, 4], blocks_up [1, 1, 1], GroupNorm(8), ReLU.
 * PyTorch default initialisation everywhere, Mamba initialisation as mamba_ssm; every draw comes from the engine's
 * seeded generator ({@code engine.setRandomSeed}).
 *
 * <p>Shapes: (B, in, *S) → logits (B, classes, *S), 2D or 3D. Every axis of S must be divisible by 2^(levels − 1)
 * (8 with the default 4 levels); other sizes are refused with a {@link MedSegException} rather than padded, because
 * padding changes what the network sees and belongs to the caller's patch or sliding-window logic.
 *
 * <p>Parameters with the defaults: 5,015,766 (3D, 1→3), 5,015,733 (3D, 1→2), 5,011,765 (2D, 3→2), 5,011,683 (2D,
 * 1→2); see {@link LightMCost} for the analytic counts and compute.
 */
public final class LightMUNet extends AbstractBlock {
    private final int dims;
    private final int inChannels;
    private final int classes;
    private final int divisor;
    private final DWConv convInit;
    private final List<EncoderStage> encoder = new ArrayList<>();
    private final List<DecoderStage> decoder = new ArrayList<>();
    private final OutputHead head;

    private LightMUNet(Builder b) {
        dims = b.dims;
        inChannels = b.in;
        classes = b.classes;
        divisor = 1 << (b.blocksDown.length - 1);
        convInit = addChildBlock("convInit", DWConv.builder().setDims(dims).setChannels(b.in, b.initFilters)
                .optKernel(3).optBias(false).build());
        for (int i = 0; i < b.blocksDown.length; i++) {
            encoder.add(addChildBlock("stage" + i, EncoderStage.builder().setDims(dims).setChannels(b.initFilters << i)
                    .setBlocks(b.blocksDown[i]).setDownsample(i > 0).optGroups(b.groups).optCheckpoint(b.checkpoint)
                    .build()));
        }
        int levels = b.blocksDown.length;
        for (int j = 0; j < b.blocksUp.length; j++) {
            decoder.add(addChildBlock("up" + j, DecoderStage.builder().setDims(dims)
                    .setInChannels(b.initFilters << (levels - 1 - j)).setBlocks(b.blocksUp[j]).optGroups(b.groups)
                    .build()));
        }
        head = addChildBlock("head", new OutputHead(dims, b.initFilters, classes, b.groups));
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The network a {@link NetworkConfig} describes (its architecture must be {@code lightm-unet}). */
    public static LightMUNet of(NetworkConfig config) {
        if (config.architecture() != Architecture.LIGHTM_UNET) {
            throw new MedSegException("not a LightM-UNet configuration: " + config.architecture());
        }
        return builder().setDims(config.dims()).setChannels(config.inChannels(), config.classes()).build();
    }

    /** Builds a {@link LightMUNet}; the defaults are the released trainer's configuration. */
    public static final class Builder {
        private int dims;
        private int in;
        private int classes;
        private int initFilters = 32;
        private int[] blocksDown = { 1, 2, 2, 4 };
        private int[] blocksUp = { 1, 1, 1 };
        private int groups = 8;
        private boolean checkpoint = true;

        public Builder setDims(int d) {
            dims = d;
            return this;
        }

        /** Input channels (modalities) and output classes including background. */
        public Builder setChannels(int inChannels, int outClasses) {
            in = inChannels;
            classes = outClasses;
            return this;
        }

        public Builder optInitFilters(int f) {
            initFilters = f;
            return this;
        }

        /** ResMambaBlocks per encoder stage; the length is the number of resolution levels. */
        public Builder optBlocksDown(int... n) {
            blocksDown = n.clone();
            return this;
        }

        /** ResUpBlocks per decoder step; one entry fewer than the encoder stages. */
        public Builder optBlocksUp(int... n) {
            blocksUp = n.clone();
            return this;
        }

        public Builder optGroups(int g) {
            groups = g;
            return this;
        }

        /** Whether every RVM layer is a checkpointed segment in a training step (default true). */
        public Builder optCheckpoint(boolean on) {
            checkpoint = on;
            return this;
        }

        public LightMUNet build() {
            if (dims != 2 && dims != 3) {
                throw new MedSegException("LightM-UNet is 2D or 3D, got " + dims + "D");
            }
            if (in < 1 || classes < 1) {
                throw new MedSegException("LightM-UNet needs at least 1 input channel and 1 class, got " + in + " and "
                        + classes);
            }
            if (blocksDown.length < 1 || blocksUp.length != blocksDown.length - 1) {
                throw new MedSegException("LightM-UNet needs one decoder entry fewer than encoder stages, got "
                        + Arrays.toString(blocksDown) + " and " + Arrays.toString(blocksUp));
            }
            if (initFilters < 1 || initFilters % groups != 0) {
                throw new MedSegException("init filters " + initFilters + " must be a multiple of " + groups + " groups");
            }
            return new LightMUNet(this);
        }
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray image = inputs.singletonOrThrow();
        checkInput(image.getShape());
        NDList x = convInit.forward(ps, inputs, training);
        List<NDArray> skips = new ArrayList<>();
        for (EncoderStage stage : encoder) {
            x = stage.forward(ps, x, training);
            skips.add(x.singletonOrThrow());
        }
        for (int j = 0; j < decoder.size(); j++) {
            NDArray skip = skips.get(skips.size() - 2 - j);
            x = decoder.get(j).forward(ps, new NDList(x.singletonOrThrow(), skip), training);
        }
        return head.forward(ps, x, training);
    }

    /** Refuses inputs whose shape does not fit: (B, in, *S) with every axis of S divisible by 2^(levels − 1). */
    public void checkInput(Shape shape) {
        if (shape.dimension() != dims + 2 || shape.get(1) != inChannels) {
            throw new MedSegException("LightM-UNet (" + dims + "D, " + inChannels + " channels) expects input (B, "
                    + inChannels + (dims == 2 ? ", H, W)" : ", D, H, W)") + ", got " + shape);
        }
        for (int i = 2; i < shape.dimension(); i++) {
            if (shape.get(i) < divisor || shape.get(i) % divisor != 0) {
                throw new MedSegException("LightM-UNet needs every spatial size divisible by " + divisor + " (it pools "
                        + Integer.numberOfTrailingZeros(divisor) + " times by 2), got " + shape.slice(2)
                        + "; pad or crop the patch");
            }
        }
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape s = inputShapes[0];
        checkInput(s);
        return new Shape[] { new Shape(s.get(0), classes).addAll(s.slice(2)) };
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        checkInput(inputShapes[0]);
        convInit.initialize(manager, dataType, inputShapes);
        Shape[] shape = convInit.getOutputShapes(inputShapes);
        List<Shape> skipShapes = new ArrayList<>();
        for (EncoderStage stage : encoder) {
            stage.initialize(manager, dataType, shape);
            shape = stage.getOutputShapes(shape);
            skipShapes.add(shape[0]);
        }
        for (int j = 0; j < decoder.size(); j++) {
            Shape[] pair = { shape[0], skipShapes.get(skipShapes.size() - 2 - j) };
            decoder.get(j).initialize(manager, dataType, pair);
            shape = decoder.get(j).getOutputShapes(pair);
        }
        head.initialize(manager, dataType, shape);
    }

    /** The network's parts in order, named as in the reference breakdown: convInit, stage0.., up0.., head. */
    public Map<String, Block> parts() {
        Map<String, Block> parts = new LinkedHashMap<>();
        parts.put("convInit", convInit);
        for (int i = 0; i < encoder.size(); i++) {
            parts.put("stage" + i, encoder.get(i));
        }
        for (int j = 0; j < decoder.size(); j++) {
            parts.put("up" + j, decoder.get(j));
        }
        parts.put("head", head);
        return parts;
    }

    public int dims() {
        return dims;
    }

    public int inChannels() {
        return inChannels;
    }

    public int classes() {
        return classes;
    }

    /** The size divisor of the released configuration (blocks_down [1, 2, 2, 4]: three ×2 poolings). */
    public static final int DEFAULT_SIZE_DIVISOR = 8;

    /** The factor every spatial input size must be a multiple of. */
    public int sizeDivisor() {
        return divisor;
    }
}
