package io.medseg.training;

import java.util.ArrayList;
import java.util.List;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import io.medseg.nn.networks.NetworkConfig;
import io.medseg.nn.networks.Networks;

/**
 * The networks that compute a training step: the master itself on one device, or one copy per GPU for data-parallel
 * training. The master holds the weights the optimiser updates and the checkpoints store. A data-parallel step:
 * {@link #pull} copies the master's weights into every replica, each replica runs forward and backward on its share of
 * the batch, {@link #gatherGradients} sums their gradients, weighted by share, into the master's gradients, then the
 * trainer clips and steps the master. This is what PyTorch's DistributedDataParallel amounts to, without processes:
 * the replicas run one after another on the calling thread (DJL allows one gradient collector at a time), and GPU
 * kernels run asynchronously, so the devices still overlap.
 *
 * <p>Every replica's parameters are float32; mixed precision only changes the type its inputs are cast to
 * ({@link Replica#type}, see {@link io.medseg.nn.MixedPrecision}). When the master itself computes,
 * {@link #direct()} is true and nothing is copied.
 */
final class Replicas implements AutoCloseable {
    /**
     * One computing network: the manager its parameters live on, the store that hands them out, its device and the
     * type its input batches are cast to.
     */
    record Replica(Block network, NDManager manager, ParameterStore store, Device device, DataType type) {
    }

    private final Block master;
    private final List<Replica> replicas = new ArrayList<>();
    private final boolean direct;

    Replicas(Engine engine, Block master, NDManager masterManager, NetworkConfig config, long[] patch,
            List<Device> devices, DataType type) {
        this.master = master;
        this.direct = devices.size() == 1 && devices.get(0).equals(masterManager.getDevice());
        if (direct) {
            replicas.add(new Replica(master, masterManager, new ParameterStore(masterManager, false), devices.get(0),
                    type));
            return;
        }
        for (Device d : devices) {
            NDManager m = engine.newBaseManager(d);
            Block copy = Networks.build(config, patch);
            copy.initialize(m, DataType.FLOAT32, Networks.inputShape(config, patch));
            replicas.add(new Replica(copy, m, new ParameterStore(m, false), d, type));
        }
        materialiseGradients(engine, master);
        pull();
    }

    /**
     * Gives every master parameter a real gradient tensor, which receives the replicas' sums. Until a backward pass
     * has reached a parameter PyTorch has no gradient for it, and DJL then hands out a fresh zero array that is not
     * the parameter's gradient, so writing into it would be lost: one backward pass of Σ 0·p creates them all.
     */
    private static void materialiseGradients(Engine engine, Block master) {
        try (NDScope scope = new NDScope(); GradientCollector collector = engine.newGradientCollector()) {
            NDArray zero = null;
            for (Pair<String, Parameter> p : master.getParameters()) {
                NDArray a = p.getValue().getArray();
                if (!a.hasGradient()) {
                    a.setRequiresGradient(true);
                }
                NDArray term = a.sum().mul(0);
                zero = zero == null ? term : zero.add(term);
            }
            collector.backward(zero);
        }
    }

    /** True when the master network computes the steps itself. */
    boolean direct() {
        return direct;
    }

    List<Replica> replicas() {
        return replicas;
    }

    /** Copies the master's weights into every replica (a no-op when the master computes itself). */
    void pull() {
        if (direct) {
            return;
        }
        withoutGrad(() -> {
            for (Replica r : replicas) {
                try (NDScope scope = new NDScope()) {
                    var target = r.network().getParameters();
                    var source = master.getParameters();
                    for (int i = 0; i < source.size(); i++) {
                        NDArray to = target.valueAt(i).getArray();
                        NDArray from = source.valueAt(i).getArray().toDevice(r.device(), true);
                        to.subi(to).addi(from);
                    }
                }
            }
        });
    }

    /** Master gradient := Σ_i share_i · gradient of replica i, in float32 on the master's device. */
    void gatherGradients(double[] shares) {
        if (direct) {
            return;
        }
        withoutGrad(() -> {
            var target = master.getParameters();
            for (int i = 0; i < target.size(); i++) {
                try (NDScope scope = new NDScope()) {
                    NDArray param = target.valueAt(i).getArray();
                    NDArray g = param.getGradient();
                    NDArray sum = null;
                    for (int r = 0; r < replicas.size(); r++) {
                        NDArray a = replicas.get(r).network().getParameters().valueAt(i).getArray();
                        if (!a.hasGradient()) {
                            continue;
                        }
                        NDArray part = a.getGradient().toDevice(g.getDevice(), true).toType(DataType.FLOAT32, true)
                                .mul(shares[r]);
                        sum = sum == null ? part : sum.add(part);
                    }
                    zeroGradient(param);
                    if (sum != null) {
                        g.addi(sum);
                    }
                }
            }
        });
    }

    /** Zeroes the gradients of every computing network (they accumulate across backward passes). */
    void zeroGradients() {
        for (Replica r : replicas) {
            for (Pair<String, Parameter> p : r.network().getParameters()) {
                zeroGradient(p.getValue().getArray());
            }
        }
    }

    /** Sets a parameter's gradient to zero in place; {@code g - g} would keep the NaN a skipped step can leave. */
    private static void zeroGradient(NDArray parameter) {
        if (parameter.hasGradient()) {
            JniUtils.zeroGrad((PtNDArray) parameter);
        }
    }

    private static void withoutGrad(Runnable r) {
        boolean mode = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try {
            r.run();
        } finally {
            JniUtils.setGradMode(mode);
        }
    }

    @Override
    public void close() {
        if (!direct) {
            replicas.forEach(r -> r.manager().close());
        }
    }
}
