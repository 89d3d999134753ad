package io.medseg.nn.mamba;

import java.util.function.IntConsumer;
import java.util.stream.IntStream;

/**
 * How a CPU kernel with its own gradients splits a call into parallel tasks: per batch element, runs of consecutive
 * items (tokens, pooled tokens) of about {@link #TASK_VALUES} values, so that a task's rows stay in cache across its
 * passes. Task t covers batch element {@link #batchIndex} and items [{@link #from}, {@link #to}); sums a kernel takes
 * per task and adds in task order do not depend on scheduling.
 */
final class BatchRuns {
    /** Values per task: about 64 KB of floats. */
    static final int TASK_VALUES = 1 << 14;

    final int items;
    final int chunk;
    final int chunks;
    final int tasks;

    /** Runs over {@code batch} elements of {@code items} items of {@code valuesPerItem} values each. */
    BatchRuns(int batch, int items, int valuesPerItem) {
        this.items = items;
        chunk = Math.max(1, TASK_VALUES / valuesPerItem);
        chunks = (items + chunk - 1) / chunk;
        tasks = batch * chunks;
    }

    int batchIndex(int task) {
        return task / chunks;
    }

    int from(int task) {
        return task % chunks * chunk;
    }

    int to(int task) {
        return Math.min(items, from(task) + chunk);
    }

    void run(IntConsumer task) {
        IntStream.range(0, tasks).parallel().forEach(task);
    }
}
