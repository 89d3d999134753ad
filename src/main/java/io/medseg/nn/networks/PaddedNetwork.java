package io.medseg.nn.networks;

import java.util.Arrays;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Lets a network take any input size: the networks need every spatial axis divisible by their total down-sampling
 * factor (LightM-UNet 8, the backbone its plan's total stride), so the input is zero-padded at the high end of each
 * axis up to the next multiple, the network runs, and every output is cropped back: the full-resolution head to the
 * input size, a head at 1/f resolution to ceil(size/f). Zero is the background value of normalised images (nnU-Net's
 * sliding window pads with it too). Padding only at the high end keeps voxel (0, 0, 0) where it was, so outputs need
 * no shift.
 *
 * <p>Shapes: input (B, C, *S) with any S; outputs as the wrapped network's, cropped as above.
 */
public final class PaddedNetwork extends AbstractBlock {
    private final Block network;
    private final long[] divisor;

    public PaddedNetwork(Block network, long[] divisor) {
        this.network = addChildBlock("network", network);
        this.divisor = divisor.clone();
    }

    /** The padded size of each spatial axis. */
    public long[] paddedSize(long[] spatial) {
        long[] p = new long[spatial.length];
        for (int a = 0; a < spatial.length; a++) {
            p[a] = (spatial[a] + divisor[a] - 1) / divisor[a] * divisor[a];
        }
        return p;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        long[] spatial = x.getShape().slice(2).getShape();
        long[] padded = paddedSize(spatial);
        if (Arrays.equals(spatial, padded)) {
            return network.forward(ps, inputs, training, params);
        }
        NDArray p = x;
        for (int a = 0; a < spatial.length; a++) {
            if (padded[a] > spatial[a]) {
                long[] zeros = p.getShape().getShape().clone(); // getShape() hands out the shape's own array
                zeros[a + 2] = padded[a] - spatial[a];
                p = p.concat(p.getManager().zeros(new Shape(zeros), p.getDataType()), a + 2);
            }
        }
        NDList outputs = network.forward(ps, new NDList(p), training, params);
        NDList cropped = new NDList(outputs.size());
        for (NDArray o : outputs) {
            StringBuilder index = new StringBuilder(":, :");
            for (int a = 0; a < spatial.length; a++) {
                long factor = padded[a] / o.getShape().get(a + 2);
                index.append(", :").append((spatial[a] + factor - 1) / factor);
            }
            cropped.add(o.get(new NDIndex(index.toString())));
        }
        return cropped;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape s = inputShapes[0];
        long[] spatial = s.slice(2).getShape();
        long[] padded = paddedSize(spatial);
        Shape[] inner = network.getOutputShapes(new Shape[] { new Shape(s.get(0), s.get(1)).addAll(new Shape(padded)) });
        Shape[] out = new Shape[inner.length];
        for (int i = 0; i < inner.length; i++) {
            long[] o = inner[i].getShape().clone(); // the network may hand out shapes it keeps
            for (int a = 0; a < spatial.length; a++) {
                long factor = padded[a] / o[a + 2];
                o[a + 2] = (spatial[a] + factor - 1) / factor;
            }
            out[i] = new Shape(o);
        }
        return out;
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape s = inputShapes[0];
        network.initialize(manager, dataType,
                new Shape(s.get(0), s.get(1)).addAll(new Shape(paddedSize(s.slice(2).getShape()))));
    }

    /** The wrapped network. */
    public Block network() {
        return network;
    }
}
