package io.medseg.preprocessing.sampling;

import java.io.Closeable;
import java.util.SplittableRandom;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

import io.medseg.MedSegException;

/**
 * Produces augmented training batches in background threads, in order, and deterministically: batch n's randomness
 * comes only from (seed, n), one generator per batch split into one per sample, so the batches are the same whichever
 * thread builds them and however many threads there are. At most {@code prefetch} batches are built ahead of the
 * consumer (a bounded queue of futures in batch order), which bounds memory when training is slower than loading.
 *
 * <p>Not safe for several consumers: one training loop calls {@link #next()}. {@link #close()} cancels the
 * outstanding work and stops the threads; it may be called from another thread, and a {@code next()} blocked at that
 * moment fails with {@link CancellationException}.
 */
public final class PatchLoader implements Closeable {
    private final PatchSampler sampler;
    private final Augmenter augmenter;
    private final int batchSize;
    private final long seed;
    private final int prefetch;
    private final ExecutorService pool;
    // concurrent because close() cancels from any thread without taking next()'s lock
    private final ConcurrentLinkedDeque<Future<Batch>> pending = new ConcurrentLinkedDeque<>();
    private long nextToSubmit;
    private volatile boolean closed;

    /**
     * @param threads worker threads (≥ 1)
     * @param prefetch batches built ahead of the consumer (≥ 1; ≥ threads keeps every thread busy)
     */
    public PatchLoader(PatchSampler sampler, Augmenter augmenter, int batchSize, long seed, int threads, int prefetch) {
        this(sampler, augmenter, batchSize, seed, threads, prefetch, 0);
    }

    /**
     * A loader whose first {@link #next()} returns batch {@code firstBatch}: a resumed training run continues the
     * sequence where the interrupted one stopped.
     */
    public PatchLoader(PatchSampler sampler, Augmenter augmenter, int batchSize, long seed, int threads, int prefetch,
            long firstBatch) {
        if (batchSize <= 0 || threads <= 0 || prefetch <= 0 || firstBatch < 0) {
            throw new IllegalArgumentException("batch size, threads and prefetch must be positive");
        }
        this.nextToSubmit = firstBatch;
        if (!java.util.Arrays.equals(sampler.patchShape(), augmenter.patchShape())) {
            throw new IllegalArgumentException("sampler and augmenter patch shapes differ");
        }
        this.sampler = sampler;
        this.augmenter = augmenter;
        this.batchSize = batchSize;
        this.seed = seed;
        this.prefetch = prefetch;
        AtomicInteger count = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(threads, task -> {
            Thread t = new Thread(task, "patch-loader-" + count.incrementAndGet());
            t.setDaemon(true); // never keeps the JVM alive if a caller forgets close()
            return t;
        });
    }

    /** The next batch in sequence, waiting for it if needed. */
    public synchronized Batch next() throws InterruptedException {
        if (closed) {
            throw new IllegalStateException("patch loader is closed");
        }
        while (pending.size() < prefetch) {
            long n = nextToSubmit++;
            try {
                pending.add(pool.submit(() -> build(n)));
            } catch (RejectedExecutionException e) { // closed from another thread meanwhile
                throw new CancellationException("patch loader closed");
            }
        }
        if (closed) {
            // a close() that ran while we were submitting may have missed a future added after its cancel loop
            // (its task drained by shutdownNow, so it would never complete): cancel again rather than wait on it
            pending.forEach(f -> f.cancel(true));
            throw new CancellationException("patch loader closed");
        }
        // the head stays queued while we wait, so a concurrent close() cancels it and wakes us
        Future<Batch> head = pending.peek();
        try {
            Batch b = head.get();
            pending.poll();
            return b;
        } catch (ExecutionException e) {
            if (closed) {
                throw new CancellationException("patch loader closed");
            }
            close();
            throw new MedSegException("building a training batch failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            close(); // the caller is giving up; don't leave workers filling a queue nobody reads
            throw e;
        }
    }

    /**
     * Builds batch {@code n} on the calling thread; {@link #next()} returns exactly this for the n-th call (counting
     * from 0). Pure: depends only on the seed, n and the sampler and augmenter.
     */
    public Batch build(long n) {
        SplittableRandom batchRandom = new SplittableRandom(mix(seed, n));
        int forced = sampler.forcedInBatch(n, batchSize);
        int channels = sampler.cases().get(0).channels();
        int voxels = Grid.voxels(sampler.patchShape());
        float[] images = new float[batchSize * channels * voxels];
        short[] labels = new short[batchSize * voxels];
        boolean[] forcedFlags = new boolean[batchSize];
        for (int b = 0; b < batchSize; b++) {
            if (closed || Thread.currentThread().isInterrupted()) {
                throw new CancellationException("patch loader closed");
            }
            SplittableRandom r = batchRandom.split();
            forcedFlags[b] = b >= batchSize - forced;
            PatchSampler.Location at = sampler.draw(r, forcedFlags[b]);
            Patch p = augmenter.augment(sampler.source(at), at.centre(), r);
            if (p.channels() != channels) {
                throw new MedSegException("case " + sampler.cases().get(at.caseIndex()).id() + " has " + p.channels()
                        + " channels, expected " + channels);
            }
            System.arraycopy(p.image(), 0, images, b * channels * voxels, channels * voxels);
            System.arraycopy(p.label(), 0, labels, b * voxels, voxels);
        }
        return new Batch(n, batchSize, channels, sampler.patchShape(), images, labels, forcedFlags);
    }

    /** SplitMix64's finaliser over seed and batch index: nearby (seed, n) pairs give unrelated generators. */
    static long mix(long seed, long n) {
        long z = seed + (n + 1) * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    @Override
    public void close() {
        closed = true;
        pool.shutdownNow();
        // no lock here: close() must work while next() is blocked; cancelling the futures wakes it up
        for (Future<Batch> f : pending) {
            f.cancel(true);
        }
    }

    public boolean isClosed() {
        return closed;
    }
}
