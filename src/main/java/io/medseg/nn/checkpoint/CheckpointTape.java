package io.medseg.nn.checkpoint;

import java.lang.management.ManagementFactory;
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
 * <p>Kept graphs. Recomputation trades time for memory, which on the CPU is often plentiful: a segment on the CPU that
 * declares the size of its activations ({@link #checkpoint(Segment, NDList, long)}) is instead run once under autograd
 * on leaf copies of its inputs, and its graph is kept for the backward pass, as long as the declared sizes of the
 * tape's kept graphs stay within its budget ({@link #CheckpointTape(long)}). The segment's outputs are still fresh
 * leaves for the rest of the network, so the recorded graph stays cut at segment boundaries: pushing a segment's
 * input gradients then traverses only the graph between it and the segments before it. (Without the cut, residual
 * paths would make every push traverse the network back to its input.) Nested segments of a kept graph, such as a
 * scan, are recorded on a tape of its own and keep their explicit backward. Segments beyond the budget, on a GPU or
 * without a declared size are recomputed as above.
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
    private final long graphBudget;
    /** Whether this tape records inside a segment (its kept graph or its replay), not the whole network. */
    private final boolean inSegment;
    private long graphBytes;

    /**
     * A segment in the tape: on replay either recomputed (graph null) with the nested results it kept, or
     * back-propagated through its kept graph.
     */
    private record Hole(Segment segment, NDList inputs, NDList outputs, List<Kept> kept, KeptGraph graph) {
    }

    /** A segment's autograd graph from its leaf inputs to its outputs, with the tape of its nested segments. */
    private record KeptGraph(NDList leaves, NDList outputs, CheckpointTape nested) {
    }

    /** A tape that keeps CPU segments' graphs within {@link #defaultGraphBudget()}. */
    public CheckpointTape() {
        this(defaultGraphBudget());
    }

    /**
     * A tape that keeps the graphs of CPU segments whose declared sizes, summed, fit in {@code graphBudget} bytes, and
     * recomputes the others; 0 recomputes every segment.
     */
    public CheckpointTape(long graphBudget) {
        this(graphBudget, false);
    }

    private CheckpointTape(long graphBudget, boolean inSegment) {
        if (graphBudget < 0) {
            throw new IllegalArgumentException("graph budget must not be negative, got " + graphBudget);
        }
        this.graphBudget = graphBudget;
        this.inSegment = inSegment;
    }

    /**
     * A quarter of the machine's physical memory: room for the activations that spare a LightM-UNet training step the
     * recomputation of its Mamba layers (about 0.5 GB per 128x128 image, 5 GB per 64x64x64 volume), while leaving the
     * rest for the data, the recorded graph between segments and the other programs of a desktop.
     */
    public static long defaultGraphBudget() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getTotalMemorySize() / 4;
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
     * kept and its outputs are leaves that the tape's backward connects again; with neither (inference) its
     * intermediates are freed when it returns; otherwise this is a plain call.
     */
    public static NDList checkpoint(Segment segment, NDList inputs) {
        return checkpoint(segment, inputs, -1);
    }

    /**
     * As {@link #checkpoint(Segment, NDList)}, for a segment whose activations under autograd take about
     * {@code graphBytes}: on the CPU, while the tape's budget lasts, its graph is kept instead of being recomputed.
     */
    public static NDList checkpoint(Segment segment, NDList inputs, long graphBytes) {
        CheckpointTape tape = CURRENT.get();
        if (!JniUtils.isGradMode()) {
            // inference frees the segment's intermediates when it returns; a tape's unrecorded forward has its own scope
            return tape == null ? applyInOwnScope(segment, inputs) : segment.apply(inputs);
        }
        if (tape == null) {
            return segment.apply(inputs);
        }
        if (graphBytes >= 0 && !inputs.get(0).getDevice().isGpu() && tape.graphBytes + graphBytes <= tape.graphBudget) {
            tape.graphBytes += graphBytes;
            return tape.recordGraph(segment, inputs);
        }
        return tape.record(segment, inputs);
    }

    /**
     * Runs the segment in its own scope: everything it creates except its outputs is closed when it returns, and the
     * caller's scope owns the outputs. DJL frees native memory only when an NDArray is closed; without the scope a
     * segment's intermediates would live until the training step, or in inference the tile batch, ends (LightM-UNet,
     * 4 tiles of 64³: over 24 GB, not 9).
     */
    private static NDList applyInOwnScope(Segment segment, NDList inputs) {
        NDList outputs;
        try (NDScope scope = new NDScope()) {
            outputs = segment.apply(inputs);
            NDScope.unregister(outputs);
        }
        // unregistering took the outputs out of every scope (DJL registers an array only in the innermost one)
        outputs.forEach(NDScope::register);
        return outputs;
    }

    /**
     * True while a tape records inside a checkpointed segment (while its graph is kept, or while it is replayed). A
     * segment recorded there pushes its input gradients only back to that segment's inputs; recorded on the tape of
     * the whole network, each push would run back through every layer before it (the graph is cut only at segment
     * boundaries), so small kernels with their own gradients are worth taking only here.
     */
    public static boolean isRecordingInSegment() {
        CheckpointTape tape = CURRENT.get();
        return tape != null && tape.inSegment && JniUtils.isGradMode();
    }

    /** True while a tape is recording, i.e. checkpointed segments will be recomputed in the backward pass. */
    public static boolean isRecording() {
        return CURRENT.get() != null && JniUtils.isGradMode();
    }

    private NDList recordGraph(Segment segment, NDList inputs) {
        NDList leaves = detach(inputs, true);
        CheckpointTape nested = new CheckpointTape(0, true);
        NDList computed;
        try (Scope active = nested.activate()) {
            computed = segment.apply(leaves);
        }
        NDList outputs = detach(computed, true);
        holes.add(new Hole(segment, inputs, outputs, List.of(), new KeptGraph(leaves, computed, nested)));
        return outputs;
    }

    private NDList record(Segment segment, NDList inputs) {
        NDList outputs;
        List<Kept> kept = new ArrayList<>();
        List<Kept> enclosingKept = KEEPING.get();
        JniUtils.setGradMode(false);
        KEEPING.set(kept);
        try {
            outputs = applyInOwnScope(segment, detach(inputs, false));
        } finally {
            JniUtils.setGradMode(true);
            restore(KEEPING, enclosingKept);
        }
        if (!kept.isEmpty()) {
            // A segment recorded while an enclosing one is replayed computed nested results itself (kept for its own
            // replay) that the enclosing one's unrecorded forward kept too: the enclosing replay's remaining kept
            // results no longer line up with its calls, so it stops reusing them. A segment without nested results
            // (a kernel with its own gradients) leaves them in line.
            REUSABLE.remove();
        }
        for (Kept k : kept) {
            // like the outputs: the enclosing scope closes them if no replay takes them over
            k.outputs.forEach(NDScope::register);
        }
        for (NDArray o : outputs) {
            if (o.getDataType().isFloating()) {
                o.setRequiresGradient(true);
            }
        }
        holes.add(new Hole(segment, inputs, outputs, kept, null));
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
        tape.holes.add(new Hole(k.segment, inputs, k.outputs, List.of(), null));
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
            graphBytes = 0;
        } finally {
            JniUtils.setGradMode(previous);
        }
    }

    private static void replay(Hole hole) {
        if (hole.segment instanceof ExplicitGradient) {
            NDList upstream = upstream(hole);
            if (upstream.stream().anyMatch(g -> g != null)) {
                try (NDScope scope = new NDScope()) {
                    NDList grads = ((ExplicitGradient) hole.segment).gradients(detach(hole.inputs, false), upstream);
                    push(hole.inputs, grads);
                }
            }
            return;
        }
        if (hole.graph != null) {
            try (NDScope scope = new NDScope()) {
                backwardThrough(hole.graph, hole);
            }
            return;
        }
        // The recomputation's activations and graph exist only inside this scope, one segment at a time.
        try (NDScope scope = new NDScope()) {
            NDList leaves = detach(hole.inputs, true);
            CheckpointTape nested = new CheckpointTape(0, true);
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
            backwardThrough(new KeptGraph(leaves, recomputed, nested), hole);
        }
    }

    /** The gradients that reached a segment's outputs (null for an output that did not reach the loss). */
    private static NDList upstream(Hole hole) {
        NDList upstream = new NDList(hole.outputs.size());
        for (NDArray o : hole.outputs) {
            upstream.add(gradientOrNull(o));
        }
        return upstream;
    }

    /**
     * Back-propagates a segment's output gradients through its graph (kept or just recomputed) and pushes the
     * resulting input gradients on into the recorded graph.
     */
    private static void backwardThrough(KeptGraph graph, Hole hole) {
        GradientSeed seed = GradientSeed.of(graph.outputs, upstream(hole));
        if (seed == null) {
            return; // no output of this segment reached the loss
        }
        graph.nested.backward(seed.target(), seed.gradient());
        NDList grads = new NDList(graph.leaves.size());
        for (NDArray leaf : graph.leaves) {
            grads.add(gradientOrNull(leaf));
        }
        push(hole.inputs, grads);
    }

    /**
     * Continues back-propagation from a segment's inputs into the recorded graph that produced them, in one backward
     * pass ({@link GradientSeed}): the graph upstream of several inputs (a layer's projections feeding a scan's u, Δ,
     * B and C) is traversed once instead of once per input.
     */
    private static void push(NDList inputs, NDList grads) {
        // Leaves (parameters, earlier segments' outputs) take their gradients by a backward pass from themselves, which
        // adds to their .grad: in the joint seed each would cost an inner product and its backward a full-size product.
        NDList inner = new NDList(inputs.size());
        NDList innerGrads = new NDList(inputs.size());
        for (int i = 0; i < Math.min(inputs.size(), grads.size()); i++) {
            NDArray x = inputs.get(i);
            NDArray g = grads.get(i);
            if (g != null && JniUtils.requiresGrad((PtNDArray) x)) {
                JniUtils.backward((PtNDArray) x, (PtNDArray) g, false, false);
            } else {
                inner.add(x);
                innerGrads.add(g);
            }
        }
        GradientSeed seed = GradientSeed.of(inner, innerGrads);
        if (seed == null) {
            return;
        }
        try {
            JniUtils.backward((PtNDArray) seed.target(), (PtNDArray) seed.gradient(), true, false);
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
