package io.medseg.nn.networks.nnunet;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.medseg.nn.layers.TransposedConvNd;
import io.medseg.nn.layers.WeightInit;
import io.medseg.nn.networks.BackbonePlan;
import io.medseg.nn.networks.backbone.ConvUnits;

/**
 * nnU-Net's own networks from dynamic-network-architectures, as its plans configure them: PlainConvUNet (stages of
 * plain conv-norm-LeakyReLU units, the first strided) and ResidualEncoderUNet (a stem unit, then stages of residual
 * blocks, the first strided). Both decode with transposed convolutions (kernel = stride), concatenate the transposed
 * output then the skip, apply the decoder stage's units and a 1×1 segmentation head. Children are named by their
 * PyTorch module paths (encoder.stages.0.0.convs.0, decoder.transpconvs.0, ...), so the official state_dict keys are
 * the parameters' paths.
 *
 * <p>Shapes: input (B, in, *S), S divisible by the total stride; output logits (B, classes, *S), then with deep
 * supervision one per lower decoder stage.
 */
public final class NnUNetUNet extends AbstractBlock {
    private final boolean deepSupervision;
    private final Block stem;
    private final List<List<Block>> stages = new ArrayList<>();
    private final List<Block> transposed = new ArrayList<>();
    private final List<List<Block>> decoder = new ArrayList<>();
    private final List<Block> heads = new ArrayList<>();

    /**
     * @param residual ResidualEncoderUNet (blocksPerStage residual blocks per stage) rather than PlainConvUNet
     *        (blocksPerStage conv units per stage)
     */
    public NnUNetUNet(boolean residual, BackbonePlan plan, int in, int classes, boolean deepSupervision) {
        this.deepSupervision = deepSupervision;
        int n = plan.stages();
        int[] f = plan.features();
        long[] one = new long[plan.dims()];
        Arrays.fill(one, 1);
        stem = residual ? addChildBlock("encoder.stem.convs.0", new ConvNormAct(in, f[0], plan.kernels()[0], one,
                true, true)) : null;
        int channels = residual ? f[0] : in;
        for (int s = 0; s < n; s++) {
            List<Block> stage = new ArrayList<>();
            for (int j = 0; j < plan.blocksPerStage()[s]; j++) {
                long[] stride = j == 0 ? plan.strides()[s] : one;
                stage.add(residual
                        ? addChildBlock("encoder.stages." + s + ".blocks." + j, new ResidualBlock(channels, f[s],
                                plan.kernels()[s], stride, true))
                        : addChildBlock("encoder.stages." + s + ".0.convs." + j, new ConvNormAct(channels, f[s],
                                plan.kernels()[s], stride, true, true)));
                channels = f[s];
            }
            stages.add(stage);
        }
        for (int s = 0; s < n - 1; s++) {
            int below = f[n - 1 - s];
            int skip = f[n - 2 - s];
            transposed.add(addChildBlock("decoder.transpconvs." + s, new TransposedConvNd(below, skip,
                    plan.strides()[n - 1 - s], true, WeightInit.HE_NORMAL)));
            List<Block> units = new ArrayList<>();
            for (int j = 0; j < plan.blocksPerDecoderStage()[s]; j++) {
                units.add(addChildBlock("decoder.stages." + s + ".convs." + j, new ConvNormAct(j == 0 ? 2 * skip : skip,
                        skip, plan.kernels()[n - 2 - s], one, true, true)));
            }
            decoder.add(units);
            heads.add(addChildBlock("decoder.seg_layers." + s, ConvUnits.conv(skip, classes, one, one, true)));
        }
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = stem == null ? inputs.singletonOrThrow() : run(stem, ps, inputs.singletonOrThrow(), training);
        List<NDArray> skips = new ArrayList<>();
        for (List<Block> stage : stages) {
            for (Block b : stage) {
                x = run(b, ps, x, training);
            }
            skips.add(x);
        }
        NDList outputs = new NDList();
        for (int s = 0; s < transposed.size(); s++) {
            x = run(transposed.get(s), ps, x, training);
            x = NDArrays.concat(new NDList(x, skips.get(skips.size() - 2 - s)), 1);
            for (Block b : decoder.get(s)) {
                x = run(b, ps, x, training);
            }
            if (deepSupervision || s == transposed.size() - 1) {
                outputs.add(run(heads.get(s), ps, x, training));
            }
        }
        NDList highestFirst = new NDList(outputs.size());
        for (int i = outputs.size() - 1; i >= 0; i--) {
            highestFirst.add(outputs.get(i));
        }
        return highestFirst;
    }

    private static NDArray run(Block b, ParameterStore ps, NDArray x, boolean training) {
        return b.forward(ps, new NDList(x), training).singletonOrThrow();
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape[] shapes = encoderShapes(inputShapes[0]);
        List<Shape> out = new ArrayList<>();
        for (int s = transposed.size() - 1; s >= 0; s--) {
            if (deepSupervision || s == transposed.size() - 1) {
                Shape skip = shapes[shapes.length - 2 - s];
                out.add(new Shape(skip.get(0), heads.get(s).getOutputShapes(new Shape[] { skip })[0].get(1))
                        .addAll(skip.slice(2)));
            }
        }
        return out.toArray(new Shape[0]);
    }

    /** The output shape of every encoder stage. */
    private Shape[] encoderShapes(Shape input) {
        Shape x = stem == null ? input : stem.getOutputShapes(new Shape[] { input })[0];
        Shape[] out = new Shape[stages.size()];
        for (int s = 0; s < stages.size(); s++) {
            for (Block b : stages.get(s)) {
                x = b.getOutputShapes(new Shape[] { x })[0];
            }
            out[s] = x;
        }
        return out;
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape x = inputShapes[0];
        if (stem != null) {
            stem.initialize(manager, dataType, x);
            x = stem.getOutputShapes(new Shape[] { x })[0];
        }
        for (List<Block> stage : stages) {
            for (Block b : stage) {
                b.initialize(manager, dataType, x);
                x = b.getOutputShapes(new Shape[] { x })[0];
            }
        }
        Shape[] skips = encoderShapes(inputShapes[0]);
        for (int s = 0; s < transposed.size(); s++) {
            transposed.get(s).initialize(manager, dataType, x);
            Shape skip = skips[skips.length - 2 - s];
            x = new Shape(skip.get(0), 2 * skip.get(1)).addAll(skip.slice(2));
            for (Block b : decoder.get(s)) {
                b.initialize(manager, dataType, x);
                x = b.getOutputShapes(new Shape[] { x })[0];
            }
            heads.get(s).initialize(manager, dataType, x);
        }
    }
}
