package io.medseg.preprocessing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.medseg.MedSegException;
import io.medseg.dataset.DatasetCase;
import io.medseg.dataset.DatasetSplit;
import io.medseg.dataset.SegmentationDataset;
import io.medseg.image.Volume;
import io.medseg.io.ImageFiles;
import io.medseg.synth.SyntheticDatasetWriter;

/** The fingerprint's numbers against an independent, brute-force computation from the files. */
class FingerprintExtractorTest {
    @TempDir
    Path dir;

    @Test
    void numbersMatchTheFiles() {
        Path ds = dir.resolve("ds");
        SyntheticDatasetWriter.write(ds, 2, 5, 7, new int[] { 48, 40 }, false);
        SegmentationDataset dataset = SegmentationDataset.open(ds);
        DatasetFingerprint fp = FingerprintExtractor.extract(dataset);
        List<DatasetCase> cases = dataset.cases(DatasetSplit.TRAIN);
        assertEquals(2, fp.dims());
        assertEquals(cases.size(), fp.cases().size());

        List<Double> fg = new ArrayList<>();
        Map<Integer, Long> counts = new TreeMap<>();
        for (int i = 0; i < cases.size(); i++) {
            Volume img = ImageFiles.read(cases.get(i).channelImages().get(0));
            Volume lab = ImageFiles.read(cases.get(i).label());
            CaseFingerprint cf = fp.cases().get(i);
            assertEquals(cases.get(i).id(), cf.id());
            assertArrayEquals(img.shape(), cf.shape());
            assertArrayEquals(img.geometry().spacing(), cf.spacing(), 1e-12);
            // bounding box of non-zero voxels, by random access over every position
            long[] lo = { Long.MAX_VALUE, Long.MAX_VALUE };
            long[] hi = { -1, -1 };
            var ra = img.channel(0).randomAccess();
            var la = lab.channel(0).randomAccess();
            for (int x = 0; x < img.shape()[0]; x++) {
                for (int y = 0; y < img.shape()[1]; y++) {
                    ra.setPosition(new long[] { x, y });
                    la.setPosition(new long[] { x, y });
                    double v = ra.get().getRealDouble();
                    int l = (int) la.get().getRealDouble();
                    if (v != 0) {
                        lo[0] = Math.min(lo[0], x);
                        lo[1] = Math.min(lo[1], y);
                        hi[0] = Math.max(hi[0], x);
                        hi[1] = Math.max(hi[1], y);
                    }
                    counts.merge(l, 1L, Long::sum);
                    if (l > 0) {
                        fg.add(v);
                    }
                }
            }
            assertArrayEquals(new long[] { hi[0] - lo[0] + 1, hi[1] - lo[1] + 1 }, cf.croppedShape());
        }
        // 48x40 images have far fewer than 10000 foreground voxels: the sample is every foreground voxel
        double[] v = fg.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double mean = Arrays.stream(v).average().orElseThrow();
        double std = Math.sqrt(Arrays.stream(v).map(x -> (x - mean) * (x - mean)).sum() / v.length);
        IntensityStatistics s = fp.foregroundIntensities().get(0);
        assertEquals(mean, s.mean(), 1e-9 * Math.abs(mean) + 1e-9);
        assertEquals(std, s.std(), 1e-9 * std + 1e-9);
        assertEquals(v[0], s.min());
        assertEquals(v[v.length - 1], s.max());
        assertEquals(numpyPercentile(v, 50), s.median(), 1e-9);
        assertEquals(numpyPercentile(v, 0.5), s.percentile00_5(), 1e-9);
        assertEquals(numpyPercentile(v, 99.5), s.percentile99_5(), 1e-9);
        assertEquals(counts, new TreeMap<>(fp.classVoxels()));
        assertTrue(counts.get(1) > 0 && counts.get(2) > 0, counts.toString());
    }

    @Test
    void samplingCapsThePerCaseCount() {
        Path ds = dir.resolve("ds");
        SyntheticDatasetWriter.write(ds, 2, 3, 1, new int[] { 48, 40 }, false);
        SegmentationDataset dataset = SegmentationDataset.open(ds);
        DatasetFingerprint all = FingerprintExtractor.extract(dataset);
        DatasetFingerprint few = FingerprintExtractor.extract(dataset, 5);
        // the systematic sample of 5 spans the foreground: its range lies within the full range
        IntensityStatistics a = all.foregroundIntensities().get(0);
        IntensityStatistics f = few.foregroundIntensities().get(0);
        assertTrue(f.min() >= a.min() && f.max() <= a.max());
        assertTrue(a.min() < f.max(), "a 5-voxel sample should not equal the whole foreground");
    }

    /** numpy's default percentile, written out independently of the production helper. */
    private static double numpyPercentile(double[] sorted, double p) {
        double rank = p / 100 * (sorted.length - 1);
        int below = (int) rank;
        return below + 1 >= sorted.length ? sorted[below]
                : sorted[below] * (1 - (rank - below)) + sorted[below + 1] * (rank - below);
    }

    @Test
    void oneCaseIsRejected() {
        Path ds = dir.resolve("one");
        SyntheticDatasetWriter.write(ds, 2, 1, 1, new int[] { 48, 40 }, false);
        MedSegException e = assertThrows(MedSegException.class,
                () -> FingerprintExtractor.extract(SegmentationDataset.open(ds)));
        assertTrue(e.getMessage().contains("at least 2 training cases"), e.getMessage());
    }

    @Test
    void allEmptyLabelsAreRejectedButOneEmptyIsFine() throws IOException {
        Path ds = dir.resolve("empty");
        SyntheticDatasetWriter.write(ds, 2, 3, 2, new int[] { 48, 40 }, false);
        List<Path> labels;
        try (var l = Files.list(ds.resolve("labelsTr"))) {
            labels = l.sorted().toList();
        }
        blank(labels.get(0));
        FingerprintExtractor.extract(SegmentationDataset.open(ds)); // one empty case: accepted
        for (Path p : labels) {
            blank(p);
        }
        MedSegException e = assertThrows(MedSegException.class,
                () -> FingerprintExtractor.extract(SegmentationDataset.open(ds)));
        assertTrue(e.getMessage().contains("every training label is empty"), e.getMessage());
    }

    @Test
    void mixedDimensionalityIsRejected() throws IOException {
        Path two = dir.resolve("two");
        Path three = dir.resolve("three");
        SyntheticDatasetWriter.write(two, 2, 3, 2, new int[] { 48, 40 }, false);
        SyntheticDatasetWriter.write(three, 3, 3, 2, new int[] { 32, 32, 16 }, false);
        List<Path> images;
        try (var l = Files.list(three.resolve("imagesTr"))) {
            images = l.sorted().toList();
        }
        List<Path> labels;
        try (var l = Files.list(three.resolve("labelsTr"))) {
            labels = l.sorted().toList();
        }
        // replace the 2D dataset's first case with a 3D one
        Path img2 = sorted(two.resolve("imagesTr")).get(0);
        Path lab2 = sorted(two.resolve("labelsTr")).get(0);
        Files.copy(images.get(0), img2, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.copy(labels.get(0), lab2, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        MedSegException e = assertThrows(MedSegException.class,
                () -> FingerprintExtractor.extract(SegmentationDataset.open(two)));
        assertTrue(e.getMessage().matches("(?s).*(3D|dimension|axes).*"), e.getMessage());
    }

    private static List<Path> sorted(Path d) throws IOException {
        try (var l = Files.list(d)) {
            return l.sorted().toList();
        }
    }

    /** Rewrites a label file with every voxel 0, keeping its geometry. */
    private static void blank(Path label) {
        Volume v = ImageFiles.read(label);
        var img = net.imglib2.img.array.ArrayImgs.unsignedBytes(
                net.imglib2.util.Intervals.dimensionsAsLongArray(v.pixels()));
        ImageFiles.write(Volume.of(img, v.geometry()), label, true);
    }

}
