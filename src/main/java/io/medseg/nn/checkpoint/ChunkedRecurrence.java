package io.medseg.nn.checkpoint;

import java.util.ArrayList;
import java.util.List;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/**
 * A recurrence over a long sequence computed chunk by chunk with a carried state, such as Mamba's selective scan or
 * the chunkwise mLSTM, as a segment with its own backward pass.
 *
 * <p>Forward: the sequence inputs are cut into chunks along {@link #sequenceAxis}; each chunk is computed from its
 * slices, the shared inputs and the state carried from the previous chunk; the chunk outputs are concatenated along
 * {@link #outputAxis}. Each chunk runs in its own {@link NDScope}, so the working set is one chunk's.
 *
 * <p>Backward ({@link #gradients}): the chunks are replayed in reverse from their saved entry states, each under
 * autograd with leaf copies of its inputs; {@code sum(output · upstream) + sum(exit state · its gradient)} is
 * back-propagated, the slices' gradients are kept and the entry state's gradient becomes the next (earlier) chunk's
 * exit-state gradient. The slice gradients are concatenated once at the end, so no full-length gradient is built per
 * chunk (which a slice's own backward would do, costing O(L²/T)). Shared inputs are leaves reused by every chunk, so
 * their gradients accumulate.
 *
 * <p>Memory: the saved entry states (one carry per chunk) plus one chunk's activations during the replay. A
 * {@link DifferentiatedStep}, whose state has the initial state's size, may return residuals after its output and
 * exit state: values of its forward that its {@link DifferentiatedStep#gradients} takes back (the selective scan's
 * states at sub-block starts), kept per chunk only when a backward pass will follow.
 *
 * <p>Inputs to {@link #apply}: the {@code sequenceCount} sequence inputs first, then the shared inputs, then the
 * initial state (possibly empty). Output: the concatenated chunk outputs, and with {@link #runFrom} the exit state
 * after them, so that a caller can continue the recurrence over a next part of the sequence (its gradient flows back
 * into the last chunk).
 */
public final class ChunkedRecurrence implements ExplicitGradient {

    /** One chunk: (sequence slices, shared inputs, entry state) → output followed by the exit state. */
    @FunctionalInterface
    public interface Step {
        NDList apply(NDList slices, NDList shared, NDList state);
    }

    /**
     * A step that also knows its own input gradients, so the backward pass need not record and differentiate the
     * chunk (cheaper when the analytic gradient is, like a linear recurrence's, another recurrence).
     */
    public interface DifferentiatedStep extends Step {
        /**
         * Gradients of (slices, shared, entry state), in that order, given the chunk output's gradient, the exit
         * state's gradient (null for the last chunk) and the residuals {@link #apply} returned after the exit state
         * (possibly empty). Called with autograd off.
         */
        NDList gradients(NDList slices, NDList shared, NDList state, NDList residuals, NDArray outputGradient,
                NDList exitStateGradient);
    }

    private final Step step;
    private final int sequenceCount;
    private final int sharedCount;
    private final int sequenceAxis;
    private final int outputAxis;
    private final long chunk;
    private final boolean keepStates;
    private final boolean exitStateOutput;
    private final List<NDList> entryStates = new ArrayList<>();
    /** Per chunk, what a {@link DifferentiatedStep} returned after the exit state. */
    private final List<NDList> residuals = new ArrayList<>();

    /**
     * @param step the chunk computation
     * @param sequenceCount how many leading inputs are sequences cut into chunks
     * @param sharedCount how many inputs after them are shared by every chunk
     * @param sequenceAxis the axis of the sequence inputs along which chunks are cut
     * @param outputAxis the axis of the chunk outputs along which they are joined
     * @param chunk chunk length
     * @param keepStates whether a backward pass will follow (a recording {@link CheckpointTape})
     */
    public ChunkedRecurrence(Step step, int sequenceCount, int sharedCount, int sequenceAxis, int outputAxis, long chunk,
            boolean keepStates) {
        this(step, sequenceCount, sharedCount, sequenceAxis, outputAxis, chunk, keepStates, false);
    }

    private ChunkedRecurrence(Step step, int sequenceCount, int sharedCount, int sequenceAxis, int outputAxis,
            long chunk, boolean keepStates, boolean exitStateOutput) {
        if (chunk < 1) {
            throw new IllegalArgumentException("chunk length must be positive, got " + chunk);
        }
        this.step = step;
        this.sequenceCount = sequenceCount;
        this.sharedCount = sharedCount;
        this.sequenceAxis = sequenceAxis;
        this.outputAxis = outputAxis;
        this.chunk = chunk;
        this.keepStates = keepStates;
        this.exitStateOutput = exitStateOutput;
    }

    /**
     * Runs the recurrence; as a checkpointed segment when a tape is recording (then {@link #gradients} replays it),
     * otherwise as a plain computation.
     */
    public static NDArray run(Step step, NDList sequences, NDList shared, NDList initialState, int sequenceAxis,
            int outputAxis, long chunk) {
        return run(step, sequences, shared, initialState, sequenceAxis, outputAxis, chunk, false).singletonOrThrow();
    }

    /**
     * As {@link #run}, returning the exit state after the output: the recurrence continued from {@code initialState}
     * (for example the exit state of an earlier part of the sequence), differentiable with respect to both.
     */
    public static NDList runFrom(Step step, NDList sequences, NDList shared, NDList initialState, int sequenceAxis,
            int outputAxis, long chunk) {
        return run(step, sequences, shared, initialState, sequenceAxis, outputAxis, chunk, true);
    }

    private static NDList run(Step step, NDList sequences, NDList shared, NDList initialState, int sequenceAxis,
            int outputAxis, long chunk, boolean exitStateOutput) {
        NDList inputs = new NDList(sequences);
        inputs.addAll(shared);
        inputs.addAll(initialState);
        // replaying an enclosing checkpointed segment: its unrecorded forward already ran this recurrence
        NDList reused = CheckpointTape.reuse(inputs);
        if (reused != null) {
            return reused;
        }
        boolean keep = CheckpointTape.isKeeping(inputs.get(0));
        ChunkedRecurrence r = new ChunkedRecurrence(step, sequences.size(), shared.size(), sequenceAxis, outputAxis,
                chunk, CheckpointTape.isRecording() || keep, exitStateOutput);
        NDList outputs = CheckpointTape.checkpoint(r, inputs);
        if (keep) {
            // the enclosing segment's replay takes the outputs and the saved entry states instead of running it again
            CheckpointTape.keep(r, inputs, outputs, r::releaseStates);
        }
        return outputs;
    }

    /** Frees the saved entry states when no backward pass will use them. */
    private void releaseStates() {
        for (NDList s : entryStates) {
            if (s != null) {
                s.close();
            }
        }
        entryStates.clear();
        residuals.forEach(NDList::close);
        residuals.clear();
    }

    @Override
    public NDList apply(NDList in) {
        long length = in.get(0).getShape().get(sequenceAxis);
        NDList shared = in.subNDList(sequenceCount, sequenceCount + sharedCount);
        NDList state = in.subNDList(sequenceCount + sharedCount);
        NDList outputs = new NDList();
        entryStates.clear();
        residuals.forEach(NDList::close); // a previous forward's, unused
        residuals.clear();
        // a differentiated step's state has the initial state's size, and what follows it are residuals; a plain
        // step may start from an empty state and return its state from the first chunk on
        int stateEnd = step instanceof DifferentiatedStep ? 1 + state.size() : Integer.MAX_VALUE;
        boolean ownsState = false; // the initial state belongs to the caller and is never closed here
        for (long start = 0; start < length; start += chunk) {
            long end = Math.min(length, start + chunk);
            NDList entry = state;
            try (NDScope scope = new NDScope()) {
                NDList out = step.apply(slices(in, start, end), shared, state);
                NDScope.unregister(out);
                outputs.add(out.get(0));
                state = out.subNDList(1, Math.min(out.size(), stateEnd));
                NDList rest = out.subNDList(Math.min(out.size(), stateEnd));
                if (keepStates) {
                    residuals.add(rest);
                } else {
                    rest.close();
                }
            }
            if (keepStates) {
                // the first entry state is one of the inputs, which the backward pass receives again
                entryStates.add(ownsState ? entry : null);
            } else if (ownsState) {
                entry.close();
            }
            ownsState = true;
        }
        NDList result;
        if (outputs.size() == 1) {
            // it left the chunk's scope unregistered: hand it to the caller's scope like any computed result
            NDScope.register(outputs.get(0));
            result = new NDList(outputs.get(0));
        } else {
            result = new NDList(NDArrays.concat(outputs, outputAxis));
            outputs.close();
        }
        if (exitStateOutput) {
            state.forEach(NDScope::register); // the last chunk's, unregistered from its scope like the outputs
            result.addAll(state);
        } else if (ownsState) {
            state.close();
        }
        return result;
    }

    @Override
    public NDList gradients(NDList in, NDList outputGradients) {
        NDArray upstream = outputGradients.get(0);
        long length = in.get(0).getShape().get(sequenceAxis);
        NDList shared = new NDList();
        for (NDArray s : in.subNDList(sequenceCount, sequenceCount + sharedCount)) {
            shared.add(leaf(s));
        }
        int chunks = entryStates.size();
        NDList[] sliceGrads = new NDList[chunks];
        // gradient of the current chunk's exit state: for the last chunk, the one given for the exit state output (a
        // copy: the chunks' backward closes it)
        NDList stateGrads = exitStateOutput ? exitGradientCopies(outputGradients) : null;
        NDList initialStateGrads = null;
        NDArray[] sharedGrads = new NDArray[sharedCount]; // accumulated by the explicit path
        for (int k = chunks - 1; k >= 0; k--) {
            long start = k * chunk;
            long end = Math.min(length, start + chunk);
            if (step instanceof DifferentiatedStep explicit) {
                stateGrads = explicitChunk(explicit, in, k, start, end, upstream, stateGrads, sliceGrads, sharedGrads);
                if (k > 0) {
                    entryStates.get(k).close();
                }
                continue;
            }
            try (NDScope scope = new NDScope()) {
                NDList slices = new NDList();
                for (NDArray s : slices(in, start, end)) {
                    slices.add(leaf(s));
                }
                NDList state = new NDList();
                for (NDArray s : k == 0 ? in.subNDList(sequenceCount + sharedCount) : entryStates.get(k)) {
                    state.add(leaf(s));
                }
                NDList out = step.apply(slices, shared, state);
                NDList exitGrads = new NDList(slice(upstream, outputAxis, start, end));
                if (stateGrads != null) {
                    exitGrads.addAll(stateGrads);
                }
                GradientSeed seed = GradientSeed.of(out, exitGrads);
                JniUtils.backward((PtNDArray) seed.target(), (PtNDArray) seed.gradient(), false, false);
                sliceGrads[k] = new NDList();
                for (NDArray s : slices) {
                    sliceGrads[k].add(CheckpointTape.gradientOrNull(s));
                }
                NDScope.unregister(sliceGrads[k]);
                if (stateGrads != null) {
                    stateGrads.close();
                }
                stateGrads = new NDList();
                for (NDArray s : state) {
                    stateGrads.add(CheckpointTape.gradientOrNull(s));
                }
                NDScope.unregister(stateGrads);
            }
            if (k > 0) {
                entryStates.get(k).close();
            }
        }
        initialStateGrads = stateGrads;
        NDList grads = new NDList();
        for (int i = 0; i < sequenceCount; i++) {
            NDList parts = new NDList();
            for (NDList g : sliceGrads) {
                parts.add(g.get(i));
            }
            grads.add(parts.size() == 1 ? parts.get(0) : NDArrays.concat(parts, sequenceAxis));
        }
        for (int i = 0; i < sharedCount; i++) {
            grads.add(step instanceof DifferentiatedStep ? sharedGrads[i] : CheckpointTape.gradientOrNull(shared.get(i)));
        }
        if (initialStateGrads != null) {
            grads.addAll(initialStateGrads);
        }
        if (chunks > 1) {
            for (NDList g : sliceGrads) {
                g.close(); // replaced by the concatenations above
            }
        }
        // gradients made inside the chunks' scopes were unregistered to survive them; the caller's scope owns them now
        for (NDArray g : grads) {
            if (g != null) {
                NDScope.register(g);
            }
        }
        return grads;
    }

    /** Copies of the exit state's gradients (outputs 1…), or null when none reached the loss. */
    private static NDList exitGradientCopies(NDList outputGradients) {
        NDList exit = outputGradients.subNDList(1);
        if (exit.stream().allMatch(g -> g == null)) {
            return null;
        }
        NDList copies = new NDList(exit.size());
        for (int i = 0; i < exit.size(); i++) {
            NDArray g = exit.get(i);
            copies.add(g != null ? g.duplicate() : null); // null: this part of the state did not reach the loss
        }
        NDScope.unregister(copies);
        return copies;
    }

    /** One chunk's backward through its own gradient formula; returns the entry state's gradient. */
    private NDList explicitChunk(DifferentiatedStep explicit, NDList in, int k, long start, long end, NDArray upstream,
            NDList exitGrads, NDList[] sliceGrads, NDArray[] sharedGrads) {
        boolean previous = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try (NDScope scope = new NDScope()) {
            NDList shared = in.subNDList(sequenceCount, sequenceCount + sharedCount);
            NDList state = k == 0 ? in.subNDList(sequenceCount + sharedCount) : entryStates.get(k);
            NDList g = explicit.gradients(slices(in, start, end), shared, state, residuals.get(k),
                    slice(upstream, outputAxis, start, end), exitGrads);
            residuals.get(k).close();
            sliceGrads[k] = g.subNDList(0, sequenceCount);
            NDScope.unregister(sliceGrads[k]);
            for (int i = 0; i < sharedCount; i++) {
                NDArray gi = g.get(sequenceCount + i);
                NDArray before = sharedGrads[i];
                sharedGrads[i] = before == null ? gi : before.add(gi);
                NDScope.unregister(sharedGrads[i]);
                if (before != null) {
                    before.close(); // the running sum of earlier chunks, escaped from their scopes
                }
            }
            if (exitGrads != null) {
                exitGrads.close();
            }
            NDList entryGrads = g.subNDList(sequenceCount + sharedCount);
            NDScope.unregister(entryGrads);
            return entryGrads;
        } finally {
            JniUtils.setGradMode(previous);
        }
    }

    private NDList slices(NDList in, long start, long end) {
        NDList s = new NDList(sequenceCount);
        for (int i = 0; i < sequenceCount; i++) {
            s.add(slice(in.get(i), sequenceAxis, start, end));
        }
        return s;
    }

    private static NDArray slice(NDArray x, int axis, long start, long end) {
        if (start == 0 && end == x.getShape().get(axis)) {
            return x;
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < axis; i++) {
            b.append(":,");
        }
        return x.get(new NDIndex(b.append(start).append(':').append(end).toString()));
    }

    private static NDArray leaf(NDArray x) {
        NDArray l = x.stopGradient().duplicate();
        if (l.getDataType().isFloating()) {
            l.setRequiresGradient(true);
        }
        return l;
    }
}
