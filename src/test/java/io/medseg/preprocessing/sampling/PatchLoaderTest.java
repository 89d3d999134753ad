package io.medseg.preprocessing.sampling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.medseg.preprocessing.PreprocessedCase;

class PatchLoaderTest {
    private static final int[] PATCH = { 24, 24, 16 };

    private static PatchSampler sampler() {
        List<PreprocessedCase> cases = List.of(SamplingFixtures.labelColoured(new int[] { 40, 36, 24 }),
                SamplingFixtures.rareForeground(new int[] { 32, 32, 20 }, "rare"));
        return new PatchSampler(cases, PATCH, PatchSampler.DEFAULT_FOREGROUND_FRACTION, 0);
    }

    /** Every transform likely, so any nondeterminism in any of them would show. */
    private static Augmenter augmenter() {
        AugmentationSettings.Range r = new AugmentationSettings.Range(0.5, 1);
        return new Augmenter(AugmentationSettings.builder().rotation(0.8, 30).scaling(0.8, new AugmentationSettings.Range(0.7, 1.4))
                .noise(0.5, new AugmentationSettings.Range(0, 0.1)).blur(0.5, 0.5, r).lowResolution(0.5, 1, r)
                .gamma(0.3, 0.5, new AugmentationSettings.Range(0.7, 1.5), true).build(), PATCH);
    }

    private static Batch[] read(long seed, int threads, int prefetch, int count) throws InterruptedException {
        Batch[] out = new Batch[count];
        try (PatchLoader loader = new PatchLoader(sampler(), augmenter(), 2, seed, threads, prefetch)) {
            for (int n = 0; n < count; n++) {
                out[n] = loader.next();
            }
        }
        return out;
    }

    @Test
    void sameSeedGivesTheSameBatchesWhateverTheThreads() throws InterruptedException {
        Batch[] one = read(42, 1, 1, 8);
        Batch[] two = read(42, 2, 4, 8);
        Batch[] again = read(42, 2, 3, 8);
        for (int n = 0; n < one.length; n++) {
            assertEquals(n, two[n].index(), "delivered in order");
            assertArrayEquals(one[n].images(), two[n].images(), "batch " + n);
            assertArrayEquals(one[n].labels(), two[n].labels(), "batch " + n);
            assertArrayEquals(two[n].images(), again[n].images(), "batch " + n);
            assertArrayEquals(one[n].forced(), two[n].forced());
        }
        // and batches differ from one another
        assertFalse(Arrays.equals(one[0].images(), one[1].images()));
    }

    @Test
    void differentSeedsGiveDifferentBatches() throws InterruptedException {
        Batch[] a = read(1, 2, 2, 3);
        Batch[] b = read(2, 2, 2, 3);
        for (int n = 0; n < a.length; n++) {
            assertFalse(Arrays.equals(a[n].images(), b[n].images()), "batch " + n);
        }
    }

    @Test
    void batchesHaveTheDocumentedLayout() throws InterruptedException {
        Batch b = read(3, 1, 1, 1)[0];
        int voxels = 24 * 24 * 16;
        assertEquals(2, b.size());
        assertEquals(1, b.channels());
        assertArrayEquals(PATCH, b.patchShape());
        assertEquals(2 * voxels, b.images().length);
        assertEquals(2 * voxels, b.labels().length);
    }

    @Test
    void nextAfterCloseFails() throws InterruptedException {
        PatchLoader loader = new PatchLoader(sampler(), augmenter(), 2, 0, 2, 2);
        loader.next();
        loader.close();
        assertTrue(loader.isClosed());
        assertThrows(IllegalStateException.class, loader::next);
    }

    @Test
    void closeFromAnotherThreadReleasesAConsumer() throws Exception {
        // large elastic 3D batches take long to build, so the consumer is almost always waiting when close() comes
        AugmentationSettings slow = AugmentationSettings.nnUNetDefaults().toBuilder()
                .elastic(1, new AugmentationSettings.Range(100, 200), new AugmentationSettings.Range(9, 13)).build();
        PatchLoader loader = new PatchLoader(sampler(), new Augmenter(slow, PATCH), 8, 0, 2, 2);
        CompletableFuture<Throwable> consumer = CompletableFuture.supplyAsync(() -> {
            try {
                while (true) {
                    loader.next();
                }
            } catch (Throwable t) {
                return t;
            }
        });
        Thread.sleep(100);
        loader.close();
        Throwable t = consumer.get(10, TimeUnit.SECONDS);
        assertTrue(t instanceof CancellationException || t instanceof IllegalStateException, t.toString());
    }
}
