package io.medseg.synth;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import io.medseg.MedSegException;
import io.medseg.dataset.DatasetDescriptor;
import io.medseg.dataset.DatasetJson;
import io.medseg.dataset.DatasetSplit;
import io.medseg.io.AtomicFiles;
import io.medseg.io.ImageFiles;

/**
 * Writes a synthetic phantom dataset in the nnU-Net v2 raw layout, directly into the given folder:
 * {@code dataset.json} (the kind's channel and labels, for CT "0": "CT" and background/organ/lesion),
 * {@code imagesTr/synth_000_0000.nii.gz},
 * {@code labelsTr/synth_000.nii.gz}, and the last 20% of the cases in {@code imagesTs/} and {@code labelsTs/}.
 *
 * <p>Cases are generated and written in parallel; each is a pure function of (seed, index, shape), so the files are
 * the same whatever the thread count. Every file is written atomically and dataset.json last, so an interrupted run
 * leaves a folder that is recognisably incomplete rather than a dataset that looks valid.
 */
public final class SyntheticDatasetWriter {
    /** Prefix of every synthetic case id; also how files of an earlier synthetic dataset are recognised. */
    public static final String CASE_PREFIX = "synth_";

    private SyntheticDatasetWriter() {
    }

    /**
     * Generates and writes a dataset. See {@link SyntheticDatasetSpec} for the parameters.
     *
     * @param size spatial shape per case, (i, j) or (i, j, k); null for the default (128x128 or 64x64x64)
     * @param overwrite allow writing into a non-empty folder; files of an earlier synthetic dataset there are
     *            replaced and those no longer part of the dataset removed, other files are left alone
     */
    public static SyntheticDatasetSummary write(Path outDir, int dims, int cases, long seed, int[] size,
            boolean overwrite) {
        return write(outDir, SyntheticDatasetSpec.of(dims, cases, seed, size), overwrite);
    }

    /** Generates and writes the dataset {@code spec} describes into {@code outDir}. */
    public static SyntheticDatasetSummary write(Path outDir, SyntheticDatasetSpec spec, boolean overwrite) {
        long start = System.nanoTime();
        Path out = outDir.toAbsolutePath().normalize();
        checkTarget(outDir, out, overwrite);
        for (DatasetSplit split : DatasetSplit.values()) {
            createFolder(out.resolve(split.imagesFolder()));
            createFolder(out.resolve(split.labelsFolder()));
        }
        int training = spec.trainingCases();
        int lesions = IntStream.range(0, spec.cases()).parallel()
                .map(i -> writeCase(out, spec, i, i < training ? DatasetSplit.TRAIN : DatasetSplit.TEST, overwrite))
                .sum();
        DatasetJson.write(DatasetDescriptor.complete(spec.kind().channelNames(), spec.kind().labels(), training,
                spec.fileEnding()), out, overwrite);
        if (overwrite) {
            removeStaleCases(out, spec);
        }
        List<String> trainIds = new ArrayList<>();
        List<String> testIds = new ArrayList<>();
        for (int i = 0; i < spec.cases(); i++) {
            (i < training ? trainIds : testIds).add(caseId(i));
        }
        return new SyntheticDatasetSummary(out, spec, trainIds, testIds, lesions,
                Duration.ofNanos(System.nanoTime() - start));
    }

    /** The nnU-Net case id of case {@code index}: {@code synth_000}, {@code synth_001}, ... */
    public static String caseId(int index) {
        return String.format("%s%03d", CASE_PREFIX, index);
    }

    private static int writeCase(Path out, SyntheticDatasetSpec spec, int index, DatasetSplit split,
            boolean overwrite) {
        SyntheticCase c = spec.kind().generate(spec.shape(), spec.seed(), index);
        String id = caseId(index);
        ImageFiles.write(c.image(), out.resolve(split.imagesFolder()).resolve(id + "_0000" + spec.fileEnding()),
                overwrite);
        ImageFiles.write(c.label(), out.resolve(split.labelsFolder()).resolve(id + spec.fileEnding()), overwrite);
        return c.lesions();
    }

    private static void checkTarget(Path given, Path out, boolean overwrite) {
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new MedSegException(given + ": exists and is not a folder; expected a folder for the dataset");
        }
        if (!overwrite && Files.isDirectory(out)) {
            try (Stream<Path> s = Files.list(out)) {
                if (s.findAny().isPresent()) {
                    throw new MedSegException(given + ": folder is not empty; choose a new folder or use --overwrite "
                            + "to replace an earlier synthetic dataset there");
                }
            } catch (IOException e) {
                throw new MedSegException(given + ": cannot list (" + AtomicFiles.describe(e) + ")", e);
            }
        }
    }

    private static void createFolder(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new MedSegException(dir + ": cannot create folder (" + AtomicFiles.describe(e) + ")", e);
        }
    }

    /**
     * Deletes synthetic case files left by an earlier, larger or differently split run, which would otherwise turn
     * up as extra cases and break numTraining. Only files named like ours are touched.
     */
    private static void removeStaleCases(Path out, SyntheticDatasetSpec spec) {
        Set<Path> current = new HashSet<>();
        int training = spec.trainingCases();
        for (int i = 0; i < spec.cases(); i++) {
            DatasetSplit split = i < training ? DatasetSplit.TRAIN : DatasetSplit.TEST;
            current.add(out.resolve(split.imagesFolder()).resolve(caseId(i) + "_0000" + spec.fileEnding()));
            current.add(out.resolve(split.labelsFolder()).resolve(caseId(i) + spec.fileEnding()));
        }
        for (DatasetSplit split : DatasetSplit.values()) {
            for (String folder : List.of(split.imagesFolder(), split.labelsFolder())) {
                try (Stream<Path> s = Files.list(out.resolve(folder))) {
                    for (Path f : s.filter(p -> p.getFileName().toString().startsWith(CASE_PREFIX))
                            .filter(p -> !current.contains(p)).toList()) {
                        Files.deleteIfExists(f);
                    }
                } catch (IOException e) {
                    throw new MedSegException(out.resolve(folder) + ": cannot remove files of the earlier dataset ("
                            + AtomicFiles.describe(e) + ")", e);
                }
            }
        }
    }
}
