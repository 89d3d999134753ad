package io.medseg.preprocessing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.medseg.MedSegException;
import io.medseg.dataset.SegmentationDataset;
import io.medseg.image.Geometry;
import io.medseg.synth.PhantomGenerator;
import io.medseg.synth.SyntheticCase;
import io.medseg.synth.SyntheticDatasetWriter;

class CaseCacheTest {
    @TempDir
    Path tmp;

    private static PreprocessedCase sample(boolean withLabel) {
        SyntheticCase c = PhantomGenerator.generate(new int[] { 24, 20, 16 }, 9, 3);
        PreprocessingPlan p = PreprocessorTest.plan(3, new double[] { 1.1, 0.9, 2.0 }, true,
                ChannelNormalization.zscore(), ResamplingSettings.NNUNET);
        PreprocessedCase pc = Preprocessor.preprocess("liver_003", List.of(PreprocessorTest.bodyOnly(c)),
                withLabel ? c.label() : null, p);
        return pc;
    }

    private static void assertSameCase(PreprocessedCase a, PreprocessedCase b) {
        assertEquals(a.id(), b.id());
        assertArrayEquals(a.shape(), b.shape());
        assertArrayEquals(a.image(), b.image());
        assertArrayEquals(a.label(), b.label());
        CaseMapping m = a.mapping();
        CaseMapping n = b.mapping();
        assertArrayEquals(m.originalShape(), n.originalShape());
        assertEquals(m.originalGeometry(), n.originalGeometry()); // bit for bit
        assertEquals(m.cropBox(), n.cropBox());
        assertArrayEquals(m.resampledShape(), n.resampledShape());
    }

    @Test
    void writeThenReadIsTheIdentity() {
        PreprocessedCase pc = sample(true);
        Path f = CaseCache.fileFor(tmp, pc.id());
        CaseCache.write(pc, f);
        assertSameCase(pc, CaseCache.read(f));
        // overwriting replaces the file
        CaseCache.write(pc, f);
        assertSameCase(pc, CaseCache.read(f));
        // an awkward geometry (rotated, irrational numbers) survives exactly, as does a case without a label
        double c = Math.cos(0.3);
        double s = Math.sin(0.3);
        Geometry g = Geometry.of(new double[] { Math.PI / 3, 0.1 + 0.2 }, new double[] { -1e-7, 123.456789, 1 / 3.0 },
                new double[][] { { c, -s, 0 }, { s, c, 0 }, { 0, 0, 1 } });
        PreprocessedCase flat = new PreprocessedCase("ünïcode case", new long[] { 3, 2 },
                new float[] { 1, Float.NaN, -0f, Float.MIN_VALUE, 5, 6, 7, 8, 9, 10, 11, 12 }, null,
                new CaseMapping(new long[] { 5, 4 }, g, new CropBox(new long[] { 1, 1 }, new long[] { 4, 3 }),
                        new long[] { 3, 2 }));
        Path f2 = tmp.resolve("flat" + CaseCache.EXTENSION);
        CaseCache.write(flat, f2);
        PreprocessedCase back = CaseCache.read(f2);
        assertNull(back.label());
        assertEquals(2, back.channels());
        assertSameCase(flat, back);
    }

    @Test
    void damagedAndForeignFilesGiveOneLineErrors() throws IOException {
        PreprocessedCase pc = sample(true);
        Path f = CaseCache.fileFor(tmp, pc.id());
        CaseCache.write(pc, f);
        byte[] good = Files.readAllBytes(f);

        byte[] flipped = good.clone();
        flipped[good.length / 2] ^= 0x10;
        assertError(tmp.resolve("flipped.mspc"), flipped, "checksum");

        assertError(tmp.resolve("short.mspc"), Arrays.copyOf(good, good.length - 100), "damaged");
        assertError(tmp.resolve("long.mspc"), Arrays.copyOf(good, good.length + 8), "damaged");
        assertError(tmp.resolve("tiny.mspc"), Arrays.copyOf(good, 10), "not a MedSeg cached case");
        assertError(tmp.resolve("foreign.mspc"), "{\"hello\": \"this is json, not a case\"}".getBytes(),
                "not a MedSeg cached case");
        byte[] future = good.clone();
        future[8] = 9; // version field
        assertError(tmp.resolve("future.mspc"), future, "version 9");

        MedSegException missing = assertThrows(MedSegException.class, () -> CaseCache.read(tmp.resolve("none.mspc")));
        assertTrue(missing.getMessage().contains("none.mspc"));
    }

    private static void assertError(Path file, byte[] content, String expected) throws IOException {
        Files.write(file, content);
        MedSegException e = assertThrows(MedSegException.class, () -> CaseCache.read(file));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains(expected)
                && !e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void writeAllPreprocessesEveryTrainingCase() {
        Path ds = tmp.resolve("ds");
        SyntheticDatasetWriter.write(ds, 2, 4, 21, new int[] { 32, 28 }, false);
        SegmentationDataset dataset = SegmentationDataset.open(ds);
        PreprocessingPlan p = PreprocessorTest.plan(2, new double[] { 1.0, 1.0 }, true,
                ChannelNormalization.ct(0, 100, -200, 300), ResamplingSettings.NNUNET);
        Path out = tmp.resolve("preprocessed");
        List<Path> written = CaseCache.writeAll(dataset, p, out);
        List<String> expectedIds = dataset.cases(io.medseg.dataset.DatasetSplit.TRAIN).stream()
                .map(c -> c.id()).toList();
        assertEquals(expectedIds.size(), written.size());
        assertTrue(expectedIds.size() >= 2);
        for (int i = 0; i < written.size(); i++) {
            assertEquals(CaseCache.fileFor(out, expectedIds.get(i)), written.get(i));
            PreprocessedCase c = CaseCache.read(written.get(i));
            assertEquals(expectedIds.get(i), c.id());
            assertEquals(c.voxels(), c.label().length);
            // the same case preprocessed again in memory is identical: nothing is lost on the way to disk
            PreprocessedCase direct = Preprocessor.preprocess(dataset.cases().get(i), p);
            assertArrayEquals(direct.image(), c.image());
            assertArrayEquals(direct.label(), c.label());
        }
    }
}
