package io.medseg.nn.checkpoint;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Activation recomputation (gradient checkpointing) for DJL, which has no custom-backward API.
 *
 * <p>During a training step's forward pass, {@link #checkpoint} runs a {@link Segment} with autograd off, so none of
 * its intermediate tensors are kept, and hands its outputs to the rest of the network as fresh leaves. The tape
 * remembers only the segment and its inputs. {@link #backward} then back-propagates the loss through the recorded
 * graph (keeping it), and visits the checkpointed segments in reverse order of creation: each is recomputed with
 * autograd on from detached copies of its inputs, {@code sum(output * upstream gradient)} is back-propagated into its
 * parameters and inputs, and the input gradients are pushed on into the recorded graph that produced the inputs. The
 * reverse order is a topological order, and gradients of leaves accumulate (PyTorch semantics), so an output used by
 * several later consumers (skip connections) receives the sum of their contributions before its segment is visited.
 *
 * <p>Segments may checkpoint sub-segments (for example the chunks of a long scan): while a segment is recomputed a
 * nested tape is current, and its holes are processed before the segment's input gradients are pushed on.
 *
 * <p>Memory: per checkpointed segment the tape holds its inputs (usually already alive in the recorded graph) and its
 * outputs; the segment's internal activations exist only while it is being recomputed, one segment at a time. Both
 * the unrecorded forward and each replay run inside an {@link NDScope}, because DJL frees native memory only when
 * NDArrays are closed. Segments must therefore not keep arrays they create beyond their call, except their outputs
 * (or arrays they explicitly unregister from the scope, like a scan's saved block states).
 *
 * <p>Use: open a gradient collector, {@code try (var scope = tape.activate()) { loss = forward(...); }}, then
 * {@code tape.backward(loss)} instead of {@code collector.backward(loss)}. Outside an active tape,
 * {@link #checkpoint} simply runs the segment (plain autograd, or inference). PyTorch engine only.
 */
public final class CheckpointTape {
    private static final ThreadLocal<CheckpointTape> CURRENT = new ThreadLocal<>();

    /** While a segment's unrecorded forward runs: what {@link #keep} is given, for that segment's replay. */
    private static final ThreadLocal<List<Kept>> KEEPING = new ThreadLocal<>();
    /** While a segment is replayed: what its unrecorded forward kept, in call order, for {@link #reuse}. */
    private static final ThreadLocal<Iterator<Kept>> REUSABLE = new ThreadLocal<>();

    private final List<Hole> holes = new ArrayList<>();

    private record Hole(Segment segment, NDList inputs, NDList outputs, List<Kept> kept) {
    }

    /**
     * A nested segment's result from an enclosing segment's unrecorded forward: the segment (holding whatever its
     * backward needs), its input shapes (to check that a replay asks for the same computation), its outputs, and
     * what to free if the replay never asks.
     */
    private record Kept(Segment segment, List<Shape> inputShapes, NDList outputs, Runnable release) {
        void discard() {
            outputs.close();
            release.run();
        }
    }

    /** Makes this tape the one {@link #checkpoint} records into, until the returned scope is closed. */
    public Scope activate() {
        CheckpointTape previous = CURRENT.get();
        CURRENT.set(this);
        return () -> {
            if (previous == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(previous);
            }
        };
    }

    /** Ends an activation; closing does not throw. */
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Runs {@code segment} on {@code inputs}. With an active tape and autograd on, the segment's activations are not
     * kept and its outputs are leaves that the tape's backward connects again; otherwise this is a plain call.
     */
    public static NDList checkpoint(Segment segment, NDList inputs) {
        CheckpointTape tape = CURRENT.get();
        if (tape == null || !JniUtils.isGradMode()) {
            return segment.apply(inputs);
        }
        return tape.record(segment, inputs);
    }

    /** True while a tape is recording, i.e. checkpointed segments will be recomputed in the backward pass. */
    public static boolean isRecording() {
        return CURRENT.get() != null && JniUtils.isGradMode();
    }

    private NDList record(Segment segment, NDList inputs) {
        NDList outputs;
        List<Kept> kept = new ArrayList<>();
        List<Kept> enclosingKept = KEEPING.get();
        JniUtils.setGradMode(false);
        KEEPING.set(kept);
        // A segment recorded while an enclosing one is replayed computes its nested results itself; the enclosing
        // replay's remaining kept results would no longer line up with its calls, so it stops reusing them.
        REUSABLE.remove();
        // Everything the segment creates except its outputs is closed here: DJL frees native memory only when an
        // NDArray is closed, so without the scope the unrecorded intermediates would live until the step ends.
        try (NDScope scope = new NDScope()) {
            outputs = segment.apply(detach(inputs, false));
            NDScope.unregister(outputs);
        } finally {
            JniUtils.setGradMode(true);
            restore(KEEPING, enclosingKept);
        }
        for (Kept k : kept) {
            // like the outputs below: the enclosing scope closes them if no replay takes them over
            k.outputs.forEach(NDScope::register);
        }
        for (NDArray o : outputs) {
            // unregistering took the outputs out of every scope (DJL registers an array only in the innermost one);
            // the enclosing scope (the training step, or the replay of an enclosing segment) closes them
            NDScope.register(o);
            if (o.getDataType().isFloating()) {
                o.setRequiresGradient(true);
            }
        }
        holes.add(new Hole(segment, inputs, outputs, kept));
        return outputs;
    }

    /**
     * Whether a checkpointed segment's unrecorded forward is running on the CPU, so that a nested segment's result
     * may be {@link #keep kept} for the replay instead of being computed a second time. Only on the CPU: there the
     * nested recurrences (the selective scan) dominate a step's time and memory is plentiful, while on a GPU the kept
     * outputs (B·L·E values per scan) would eat into the memory the planner budgeted.
     */
    public static boolean isKeeping(NDArray like) {
        return KEEPING.get() != null && !JniUtils.isGradMode() && !like.getDevice().isGpu();
    }

    /**
     * Keeps a nested segment's result, computed during a checkpointed segment's unrecorded forward (see
     * {@link #isKeeping}), for that segment's replay ({@link #reuse}); {@code release} frees what the nested segment
     * holds for its backward if the replay never takes it.
     */
    public static void keep(Segment segment, NDList inputs, NDList outputs, Runnable release) {
        NDScope.unregister(outputs); // survives the unrecorded forward's scope; record() hands it on
        KEEPING.get().add(new Kept(segment, shapes(inputs), outputs, release));
    }

    /**
     * During a replay, the kept result of the next nested segment, recorded on the current tape as a checkpointed
     * segment with these inputs (its backward then runs as if it had been recomputed), or null when nothing matching
     * was kept: the caller then computes it. The nested segments of a replay are asked for in the order the
     * unrecorded forward computed them, since both run the same code on the same values.
     */
    public static NDList reuse(NDList inputs) {
        Iterator<Kept> next = REUSABLE.get();
        CheckpointTape tape = CURRENT.get();
        if (next == null || tape == null || !JniUtils.isGradMode() || !next.hasNext()) {
            return null;
        }
        Kept k = next.next();
        if (!k.inputShapes.equals(shapes(inputs))) {
            k.discard();
            REUSABLE.remove();
            return null;
        }
        for (NDArray o : k.outputs) {
            NDScope.register(o); // the replay's scope closes it with the rest of the recomputation
            if (o.getDataType().isFloating()) {
                o.setRequiresGradient(true);
            }
        }
        tape.holes.add(new Hole(k.segment, inputs, k.outputs, List.of()));
        return k.outputs;
    }

    private static List<Shape> shapes(NDList arrays) {
        List<Shape> s = new ArrayList<>(arrays.size());
        for (NDArray a : arrays) {
            s.add(a.getShape());
        }
        return s;
    }

    private static <T> void restore(ThreadLocal<T> local, T previous) {
        if (previous == null) {
            local.remove();
        } else {
            local.set(previous);
        }
    }

    /** Back-propagates a scalar loss through the recorded graph and every checkpointed segment. */
    public void backward(NDArray loss) {
        backward(loss, loss.onesLike());
    }

    /** Back-propagates {@code target} seeded with {@code seed} (same shape) through graph and segments. */
    public void backward(NDArray target, NDArray seed) {
        boolean previous = JniUtils.isGradMode();
        JniUtils.setGradMode(true);
        try {
            JniUtils.backward((PtNDArray) target, (PtNDArray) seed, true, false);
            for (int k = holes.size() - 1; k >= 0; k--) {
                replay(holes.get(k));
            }
            holes.clear();
        } finally {
            JniUtils.setGradMode(previous);
        }
    }

    private static void replay(Hole hole) {
        if (hole.segment instanceof ExplicitGradient) {
            NDList upstream = new NDList(hole.outputs.size());
            boolean any = false;
            for (NDArray o : hole.outputs) {
                NDArray g = gradientOrNull(o);
                any |= g != null;
                upstream.add(g);
            }
            if (any) {
                try (NDScope scope = new NDScope()) {
                    NDList grads = ((ExplicitGradient) hole.segment).gradients(detach(hole.inputs, false), upstream);
                    push(hole.inputs, grads);
                }
            }
            return;
        }
        // The recomputation's activations and graph exist only inside this scope, one segment at a time.
        try (NDScope scope = new NDScope()) {
            NDList leaves = detach(hole.inputs, true);
            CheckpointTape nested = new CheckpointTape();
            NDList recomputed;
            Iterator<Kept> enclosingReusable = REUSABLE.get();
            Iterator<Kept> kept = hole.kept.iterator();
            REUSABLE.set(kept);
            try (Scope active = nested.activate()) {
                recomputed = hole.segment.apply(leaves);
            } finally {
                restore(REUSABLE, enclosingReusable);
                kept.forEachRemaining(Kept::discard); // asked for by no call of the replay
            }
            NDArray seed = null;
            for (int i = 0; i < recomputed.size(); i++) {
                NDArray upstream = gradientOrNull(hole.outputs.get(i));
                if (upstream == null) {
                    continue;
                }
                NDArray term = recomputed.get(i).mul(upstream).sum();
                seed = seed == null ? term : seed.add(term);
            }
            if (seed == null) {
                return; // no output of this segment reached the loss
            }
            nested.backward(seed);
            NDList grads = new NDList(leaves.size());
            for (NDArray leaf : leaves) {
                grads.add(gradientOrNull(leaf));
            }
            push(hole.inputs, grads);
        }
    }

    /**
     * Continues back-propagation from a segment's inputs into the recorded graph that produced them, in one backward
     * pass of Σ_i sum(input_i ⊙ gradient_i): its gradient with respect to each input is exactly that input's
     * gradient, and the graph upstream of several inputs (a layer's projections feeding a scan's u, Δ, B and C) is
     * traversed once instead of once per input.
     */
    private static void push(NDList inputs, NDList grads) {
        NDArray seed = null;
        for (int i = 0; i < inputs.size(); i++) {
            NDArray g = i < grads.size() ? grads.get(i) : null;
            if (g == null) {
                continue;
            }
            NDArray term = inputs.get(i).mul(g).sum();
            seed = seed == null ? term : seed.add(term);
        }
        if (seed == null) {
            return;
        }
        try {
            JniUtils.backward((PtNDArray) seed, (PtNDArray) seed.onesLike(), true, false);
        } catch (EngineException e) {
            // DJL cannot ask a non-leaf tensor whether it is in the graph (its requiresGrad only reports leaves), so
            // a segment whose inputs are all outside the graph, such as the image, is recognised by PyTorch's refusal.
            if (!String.valueOf(e.getMessage()).contains("does not require grad")) {
                throw e;
            }
        }
    }

    private static NDList detach(NDList inputs, boolean asLeaves) {
        NDList out = new NDList(inputs.size());
        for (NDArray a : inputs) {
            NDArray d = a.stopGradient();
            if (asLeaves && a.getDataType().isFloating()) {
                d.setRequiresGradient(true);
            }
            out.add(d);
        }
        return out;
    }

    /**
     * The accumulated gradient of a leaf tensor, or null when it has none (not a leaf requiring gradients, or never
     * reached). DJL's requiresGrad is true only for such leaves.
     */
    static NDArray gradientOrNull(NDArray a) {
        if (!JniUtils.requiresGrad((PtNDArray) a)) {
            return null;
        }
        return JniUtils.getGradient((PtNDArray) a);
    }
}
