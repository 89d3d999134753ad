package io.medseg.training;

import java.util.LinkedHashMap;
import java.util.Map;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.util.Pair;
import ai.djl.util.PairList;

/**
 * A first-order optimiser with explicit state, so a run can be saved and resumed bit for bit: {@link #state()} gives
 * every per-parameter buffer under a name {@code <buffer>/<parameter>}, and {@link #steps()} the step count; both go
 * back in through {@link #loadState}. Parameters are updated in place with autograd off (PyTorch refuses in-place
 * changes of leaves that require a gradient while grad mode is on), and gradients are read, not cleared: the trainer
 * zeroes them before its next backward pass.
 */
public abstract class Optimizer implements AutoCloseable {
    private double learningRate;
    private long steps;
    private final Map<String, NDArray> state = new LinkedHashMap<>();

    protected Optimizer(double learningRate) {
        this.learningRate = learningRate;
    }

    public double learningRate() {
        return learningRate;
    }

    /** Sets the rate used from the next step on; the schedules call this once per epoch. */
    public void setLearningRate(double learningRate) {
        this.learningRate = learningRate;
    }

    /** How many steps have been taken (PyTorch's per-parameter {@code step}, the same for all parameters here). */
    public long steps() {
        return steps;
    }

    /** One update of a block's parameters ({@code block.getParameters()}); parameters without gradient are skipped. */
    public void step(PairList<String, Parameter> parameters) {
        Map<String, NDArray> named = new LinkedHashMap<>();
        for (Pair<String, Parameter> p : parameters) {
            named.put(p.getKey(), p.getValue().getArray());
        }
        step(named);
    }

    /** One update of named parameter arrays, each holding its gradient. */
    public void step(Map<String, NDArray> parameters) {
        steps++;
        boolean gradMode = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try (NDScope scope = new NDScope()) {
            for (Map.Entry<String, NDArray> e : parameters.entrySet()) {
                NDArray p = e.getValue();
                if (p.hasGradient()) {
                    update(e.getKey(), p, p.getGradient(), steps);
                }
            }
        } finally {
            JniUtils.setGradMode(gradMode);
        }
    }

    /** Applies one update to {@code param} in place; {@code step} counts from 1. Temporaries are closed after. */
    protected abstract void update(String name, NDArray param, NDArray grad, long step);

    /**
     * The buffer {@code buffer} of a parameter, created as zeros like it on first use. Buffers outlive the step's
     * scope and live on the parameter's manager.
     */
    protected NDArray buffer(String buffer, String name, NDArray like) {
        return state.computeIfAbsent(buffer + "/" + name, k -> {
            NDArray z = like.zerosLike();
            NDScope.unregister(z);
            return z;
        });
    }

    /** True when the buffer exists (SGD's momentum buffer is created from the first gradient, not from zeros). */
    protected boolean hasBuffer(String buffer, String name) {
        return state.containsKey(buffer + "/" + name);
    }

    /** Installs a buffer, taking ownership of the array. */
    protected void putBuffer(String buffer, String name, NDArray value) {
        NDScope.unregister(value);
        NDArray old = state.put(buffer + "/" + name, value);
        if (old != null && old != value) {
            old.close();
        }
    }

    /** The live state buffers by name (not copies: duplicate them to keep a snapshot across further steps). */
    public Map<String, NDArray> state() {
        return java.util.Collections.unmodifiableMap(state);
    }

    /**
     * Replaces the state by copies of {@code buffers} and sets the step count, to resume a saved run. The copies are
     * detached from the source arrays' manager, so the caller may close whatever it loaded them with.
     */
    public void loadState(Map<String, NDArray> buffers, long steps) {
        for (NDArray a : state.values()) {
            a.close();
        }
        state.clear();
        for (Map.Entry<String, NDArray> e : buffers.entrySet()) {
            NDArray copy = e.getValue().duplicate();
            NDScope.unregister(copy);
            copy.detach();
            state.put(e.getKey(), copy);
        }
        this.steps = steps;
    }

    /** Frees the state buffers (loaded ones are detached from any manager, so only this frees them). */
    @Override
    public void close() {
        for (NDArray a : state.values()) {
            a.close();
        }
        state.clear();
    }
}
