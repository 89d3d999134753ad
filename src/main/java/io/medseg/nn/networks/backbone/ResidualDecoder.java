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
import io.medseg.nn.layers.ConvNd;
import io.medseg.nn.layers.Resample;
import io.medseg.nn.networks.BackbonePlan;

/**
 * The decoder of the U-Mamba / xLSTM-UNet backbone ({@code UNetResDecoder}, current code). For decoder stage i
 * (0 = lowest resolution), with "below" the previous stage's output (the bottleneck for i = 0) and skip = encoder
 * stage n − 2 − i:
 * <ol>
 * <li>nearest-neighbour up-sampling by the stride of encoder stage n − 1 − i;</li>
 * <li>1×1 convolution f_below → f_skip, with bias;</li>
 * <li>concatenation [up-sampled, skip] along channels, except at the topmost stage of a 2D network (the released 2D
 * code's quirk, see {@link BackboneLayout#concatenatesSkip});</li>
 * <li>BasicResBlock(2·f_skip or f_skip → f_skip, k_skip) + (m_i − 1) × BasicBlockD(f_skip);</li>
 * <li>a 1×1 segmentation head f_skip → classes, with bias.</li>
 * </ol>
 * Every stage has a head, deep supervision or not, as in the reference (so trained weights load either way); without
 * deep supervision only the top head is evaluated and the others receive no gradient.
 *
 * <p>Input: the encoder's skips, one (B, f_s, *S_s) per stage. Output: logits (B, classes, *S_i), full resolution
 * first: one per decoder stage (n − 1) with deep supervision, else only the full-resolution one.
 */
public final class ResidualDecoder extends AbstractBlock {
    private final int stages;
    private final long[][] upFactors;
    private final boolean[] concatenates;
    private final boolean deepSupervision;
    private final List<ConvNd> upConvs = new ArrayList<>();
    private final List<List<Block>> stageBlocks = new ArrayList<>();
    private final List<ConvNd> heads = new ArrayList<>();

    /**
     * @param layout the resolved plan
     * @param classes output classes including background
     * @param deepSupervision whether every decoder stage's logits are returned
     */
    public ResidualDecoder(BackboneLayout layout, int classes, boolean deepSupervision) {
        BackbonePlan plan = layout.plan();
        int dims = plan.dims();
        int n = plan.stages();
        int[] f = plan.features();
        this.deepSupervision = deepSupervision;
        stages = n - 1;
        upFactors = new long[stages][];
        concatenates = new boolean[stages];
        long[] one = ConvUnits.filled(dims, 1);
        for (int i = 0; i < stages; i++) {
            int below = f[n - 1 - i];
            int skip = f[n - 2 - i];
            long[] kernel = plan.kernels()[n - 2 - i];
            upFactors[i] = plan.strides()[n - 1 - i].clone();
            concatenates[i] = layout.concatenatesSkip(i);
            upConvs.add(addChildBlock("up" + i, ConvUnits.pointwise(dims, below, skip, one)));
            List<Block> blocks = new ArrayList<>();
            blocks.add(addChildBlock("stage" + i + "_res", BasicResBlock.builder().setDims(dims)
                    .setChannels(concatenates[i] ? 2 * skip : skip, skip).setKernel(kernel).build()));
            for (int b = 1; b < layout.decoderBlocks(i); b++) {
                blocks.add(addChildBlock("stage" + i + "_block" + b, new BasicBlockD(dims, skip, kernel)));
            }
            stageBlocks.add(blocks);
            heads.add(addChildBlock("seg" + i, ConvUnits.pointwise(dims, skip, classes, one)));
        }
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
            PairList<String, Object> params) {
        if (inputs.size() != stages + 1) {
            throw new IllegalArgumentException("decoder needs " + (stages + 1) + " skips, got " + inputs.size());
        }
        NDArray x = inputs.get(stages);
        NDList lowFirst = new NDList();
        for (int i = 0; i < stages; i++) {
            NDArray up = upConvs.get(i).forward(ps, new NDList(Resample.nearest(x, upFactors[i])), training)
                    .singletonOrThrow();
            if (concatenates[i]) {
                up = up.concat(inputs.get(stages - 1 - i), 1);
            }
            for (Block b : stageBlocks.get(i)) {
                up = b.forward(ps, new NDList(up), training).singletonOrThrow();
            }
            x = up;
            if (deepSupervision || i == stages - 1) {
                lowFirst.add(heads.get(i).forward(ps, new NDList(x), training).singletonOrThrow());
            }
        }
        NDList out = new NDList(lowFirst.size());
        for (int k = lowFirst.size() - 1; k >= 0; k--) {
            out.add(lowFirst.get(k));
        }
        return out;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape[] out = new Shape[deepSupervision ? stages : 1];
        for (int i = 0; i < stages; i++) {
            if (deepSupervision || i == stages - 1) {
                // a head keeps the skip's spatial size
                Shape head = heads.get(i).getOutputShapes(new Shape[] { inputShapes[stages - 1 - i] })[0];
                out[deepSupervision ? stages - 1 - i : 0] = head;
            }
        }
        return out;
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape x = inputShapes[stages];
        for (int i = 0; i < stages; i++) {
            Shape skip = inputShapes[stages - 1 - i];
            long[] up = x.getShape().clone(); // not the caller's shape's own array
            for (int a = 0; a < upFactors[i].length; a++) {
                up[a + 2] *= upFactors[i][a];
            }
            upConvs.get(i).initialize(manager, dataType, new Shape(up));
            long channels = concatenates[i] ? 2 * skip.get(1) : skip.get(1);
            Shape s = new Shape(skip.get(0), channels).addAll(skip.slice(2));
            for (Block b : stageBlocks.get(i)) {
                b.initialize(manager, dataType, s);
                s = b.getOutputShapes(new Shape[] { s })[0];
            }
            heads.get(i).initialize(manager, dataType, s);
            x = s;
        }
    }

    public boolean deepSupervision() {
        return deepSupervision;
    }
}
