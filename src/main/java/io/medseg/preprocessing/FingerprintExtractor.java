package io.medseg.preprocessing;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

import io.medseg.MedSegException;
import io.medseg.dataset.DatasetCase;
import io.medseg.dataset.DatasetDescriptor;
import io.medseg.dataset.DatasetSplit;
import io.medseg.dataset.DatasetValidator;
import io.medseg.dataset.SegmentationDataset;
import io.medseg.image.OneSliceVolumes;
import io.medseg.image.Volume;
import io.medseg.io.ImageFiles;
import net.imglib2.Cursor;
import net.imglib2.type.numeric.RealType;
import net.imglib2.view.Views;

/**
 * Reads every training case of a valid dataset once and collects what the planner needs: shape, spacing and cropped
 * shape per case, foreground intensity statistics per channel and voxel counts per label.
 */
public final class FingerprintExtractor {
    /**
     * Foreground voxels sampled per case and channel for the intensity statistics, nnU-Net's default: enough for
     * stable percentiles while the pooled samples of a large dataset still fit in memory.
     */
    public static final int SAMPLES_PER_CASE = 10_000;

    private FingerprintExtractor() {
    }

    /** The fingerprint of the dataset's training cases; the dataset is validated first. */
    public static DatasetFingerprint extract(SegmentationDataset dataset) {
        return extract(dataset, SAMPLES_PER_CASE);
    }

    /** As {@link #extract(SegmentationDataset)} with another per-case foreground sample size. */
    public static DatasetFingerprint extract(SegmentationDataset dataset, int samplesPerCase) {
        DatasetValidator.requireValid(dataset);
        DatasetDescriptor d = dataset.descriptor();
        return extract(d.channelNames(), d.labels(), dataset.cases(DatasetSplit.TRAIN), dataset.root().toString(),
                dataset::relative, samplesPerCase);
    }

    /**
     * The fingerprint of labelled cases that need not form a dataset folder (e.g. the rows of a workflow's case
     * table), described by their channel names and labels as dataset.json would.
     *
     * @param source names the cases in errors (a folder, a node)
     * @param naming how error messages name a file
     */
    public static DatasetFingerprint extract(Map<String, String> channelNames, Map<String, Integer> labels,
            List<DatasetCase> cases, String source, Function<Path, String> naming, int samplesPerCase) {
        if (samplesPerCase < 1) {
            throw new IllegalArgumentException("samples per case must be positive");
        }
        if (cases.size() < 2) {
            // the median spacing and shape of one case say nothing about the dataset, and there is nothing to
            // validate a trained model on
            throw new MedSegException(source + ": the planner needs at least 2 training cases, found "
                    + cases.size());
        }
        int channels = channelNames.size();
        List<ForegroundSample> samples = new ArrayList<>();
        for (int c = 0; c < channels; c++) {
            samples.add(new ForegroundSample());
        }
        Map<Integer, Long> classVoxels = new TreeMap<>();
        for (int value : new java.util.TreeSet<>(labels.values())) {
            classVoxels.put(value, 0L);
        }
        List<CaseFingerprint> fingerprints = new ArrayList<>();
        int dims = -1;
        String firstId = null;
        for (DatasetCase c : cases) {
            Volume label = ImageFiles.read(c.label());
            if (dims < 0) {
                dims = label.spatialDims();
                firstId = c.id();
            } else if (label.spatialDims() != dims) {
                throw new MedSegException(naming.apply(c.label()) + ": case " + c.id() + " is "
                        + label.spatialDims() + "D but case " + firstId + " is " + dims
                        + "D; one plan needs one dimensionality");
            }
            Volume[] images = c.channelImages().stream().map(ImageFiles::read).toArray(Volume[]::new);
            CropBox crop = NonzeroCrop.boundingBox(images);
            fingerprints.add(new CaseFingerprint(c.id(), label.shape(), label.geometry().spacing(), crop.shape()));
            sampleCase(label, images, samplesPerCase, samples, classVoxels);
        }
        int oneSliceAxis = OneSliceVolumes.commonAxis(fingerprints.stream().map(CaseFingerprint::shape).toList());
        if (oneSliceAxis >= 0) { // 2D images stored as one-slice volumes: a 2D dataset
            fingerprints.replaceAll(f -> f.withoutAxis(oneSliceAxis));
            dims = 2;
        }
        long foreground = classVoxels.entrySet().stream().filter(e -> e.getKey() > 0).mapToLong(Map.Entry::getValue)
                .sum();
        if (foreground == 0) {
            // nnU-Net only warns about single empty cases; with no foreground at all there is nothing to learn and
            // no foreground intensities to normalise CT with
            throw new MedSegException(source + ": every training label is empty (no voxel > 0); nothing to"
                    + " segment");
        }
        List<IntensityStatistics> stats = samples.stream().map(ForegroundSample::statistics).toList();
        return new DatasetFingerprint(dims, channelNames, labels, List.copyOf(fingerprints), stats,
                java.util.Collections.unmodifiableMap(classVoxels));
    }

    /**
     * Counts the case's label voxels and adds up to {@code perCase} foreground intensities per channel. The sample is
     * systematic (every (n/m)-th foreground voxel in file order) rather than random: deterministic without a seed and
     * spread over the whole foreground.
     */
    private static void sampleCase(Volume label, Volume[] images, int perCase, List<ForegroundSample> samples,
            Map<Integer, Long> classVoxels) {
        long n = 0;
        Cursor<? extends RealType<?>> lc = Views.flatIterable(label.channel(0)).cursor();
        while (lc.hasNext()) {
            int v = (int) Math.round(lc.next().getRealDouble());
            classVoxels.merge(v, 1L, Long::sum);
            if (v > 0) {
                n++;
            }
        }
        if (n == 0) {
            return;
        }
        long m = Math.min(n, perCase);
        for (int c = 0; c < images.length; c++) {
            if (!Arrays.equals(images[c].shape(), label.shape())) {
                throw new MedSegException("channel " + c + " and label differ in shape");
            }
            Cursor<? extends RealType<?>> l = Views.flatIterable(label.channel(0)).cursor();
            Cursor<? extends RealType<?>> im = Views.flatIterable(images[c].channel(0)).cursor();
            long rank = 0;
            long taken = 0;
            long next = 0; // rank of the next foreground voxel to take: floor(taken * n / m)
            while (l.hasNext() && taken < m) {
                double lv = l.next().getRealDouble();
                double iv = im.next().getRealDouble();
                if (Math.round(lv) > 0) {
                    if (rank == next) {
                        samples.get(c).add(iv);
                        taken++;
                        next = taken * n / m;
                    }
                    rank++;
                }
            }
        }
    }
}
