package io.medseg.nn.networks.backbone;

import java.util.ArrayList;
import java.util.List;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.medseg.nn.networks.BackbonePlan;

/**
 * The encoder of the U-Mamba / xLSTM-UNet residual backbone ({@code ResidualMambaEncoder}, {@code UNetResEncoder},
 * {@code ResidualXlstmEncoder}: the same stem and stages, differing only in the layer after each stage).
 * <ul>
 * <li>Stem: BasicResBlock(in → f_0, k_0, stride 1) + (n_0 − 1) × BasicBlockD(f_0).</li>
 * <li>Stage s: BasicResBlock(f_{s−1} → f_s, k_s, stride_s) + (n_s − 1) × BasicBlockD(f_s), then the stage's mixer
 * ({@link StageMixer}): nothing, an extra BasicBlockD, a MambaLayer or a ViL layer. Stage 0 reads the stem's output
 * (f_{−1} = f_0); its stride is the plan's first, normally 1, so full resolution gets two residual units.</li>
 * </ul>
 * Block counts n_s are the {@link BackboneLayout}'s, after the released code's override.
 *
 * <p>Input: (B, in, *S). Output: one map per stage, the skips, (B, f_s, *S / (stride_0 ⋯ stride_s)), in stage order;
 * the last is the bottleneck.
 */
public final class ResidualEncoder extends AbstractBlock {
    private final int stages;
    private final List<Block> stem = new ArrayList<>();
    private final List<List<Block>> stageBlocks = new ArrayList<>();
    private final Block[] mixers;

    /**
     * @param layout the resolved plan
     * @param inChannels input channels (modalities)
     */
    public ResidualEncoder(BackboneLayout layout, int inChannels) {
        BackbonePlan plan = layout.plan();
        int dims = plan.dims();
        int[] f = plan.features();
        stages = plan.stages();
        stem.add(addChildBlock("stem_res", BasicResBlock.builder().setDims(dims).setChannels(inChannels, f[0])
                .setKernel(plan.kernels()[0]).build()));
        for (int b = 1; b < layout.encoderBlocks(0); b++) {
            stem.add(addChildBlock("stem_block" + b, new BasicBlockD(dims, f[0], plan.kernels()[0])));
        }
        mixers = new Block[stages];
        int in = f[0];
        for (int s = 0; s < stages; s++) {
            List<Block> blocks = new ArrayList<>();
            blocks.add(addChildBlock("stage" + s + "_res", BasicResBlock.builder().setDims(dims).setChannels(in, f[s])
                    .setKernel(plan.kernels()[s]).optStride(plan.strides()[s]).build()));
            for (int b = 1; b < layout.encoderBlocks(s); b++) {
                blocks.add(addChildBlock("stage" + s + "_block" + b, new BasicBlockD(dims, f[s], plan.kernels()[s])));
            }
            stageBlocks.add(blocks);
            Block mixer = layout.mixer(s).create(dims, f[s], plan.kernels()[s]);
            if (mixer != null) {
                mixers[s] = addChildBlock("stage" + s + "_mixer", mixer);
            }
            in = f[s];
        }
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDArray x = run(stem, ps, inputs.singletonOrThrow(), training);
        NDList skips = new NDList(stages);
        for (int s = 0; s < stages; s++) {
            x = run(stageBlocks.get(s), ps, x, training);
            if (mixers[s] != null) {
                x = mixers[s].forward(ps, new NDList(x), training).singletonOrThrow();
            }
            skips.add(x);
        }
        return skips;
    }

    private static NDArray run(List<Block> blocks, ParameterStore ps, NDArray x, boolean training) {
        NDArray y = x;
        for (Block b : blocks) {
            y = b.forward(ps, new NDList(y), training).singletonOrThrow();
        }
        return y;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape[] out = new Shape[stages];
        Shape x = through(stem, inputShapes[0]);
        for (int s = 0; s < stages; s++) {
            x = through(stageBlocks.get(s), x);
            out[s] = x; // mixers keep the shape
        }
        return out;
    }

    private static Shape through(List<Block> blocks, Shape shape) {
        Shape s = shape;
        for (Block b : blocks) {
            s = b.getOutputShapes(new Shape[] { s })[0];
        }
        return s;
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape x = initialize(stem, manager, dataType, inputShapes[0]);
        for (int s = 0; s < stages; s++) {
            x = initialize(stageBlocks.get(s), manager, dataType, x);
            if (mixers[s] != null) {
                mixers[s].initialize(manager, dataType, x);
            }
        }
    }

    private static Shape initialize(List<Block> blocks, NDManager manager, DataType dataType, Shape shape) {
        Shape s = shape;
        for (Block b : blocks) {
            b.initialize(manager, dataType, s);
            s = b.getOutputShapes(new Shape[] { s })[0];
        }
        return s;
    }

    public int stages() {
        return stages;
    }

    /** The mixer after stage s, or null where the stage has none. */
    public Block mixer(int stage) {
        return mixers[stage];
    }
}
