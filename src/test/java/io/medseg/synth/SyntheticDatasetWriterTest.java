package io.medseg.synth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.medseg.MedSegException;
import io.medseg.dataset.DatasetDescriptor;
import io.medseg.dataset.DatasetJson;
import io.medseg.dataset.DatasetValidator;
import io.medseg.dataset.SegmentationDataset;
import io.medseg.image.Volume;
import io.medseg.io.ImageFiles;

class SyntheticDatasetWriterTest {
    private static final int[] SIZE = { 24, 24, 16 };

    @TempDir
    Path tmp;

    @Test
    void writesAnNnUNetLayoutThatValidatesClean() {
        Path out = tmp.resolve("ds");
        SyntheticDatasetSummary s = SyntheticDatasetWriter.write(out, 3, 5, 42, SIZE, false);

        assertEquals(List.of("synth_000", "synth_001", "synth_002", "synth_003"), s.trainingCases());
        assertEquals(List.of("synth_004"), s.testCases());
        assertTrue(Files.isRegularFile(out.resolve("imagesTr/synth_000_0000.nii.gz")));
        assertTrue(Files.isRegularFile(out.resolve("labelsTr/synth_003.nii.gz")));
        assertTrue(Files.isRegularFile(out.resolve("imagesTs/synth_004_0000.nii.gz")));
        assertTrue(Files.isRegularFile(out.resolve("labelsTs/synth_004.nii.gz")));
        assertFalse(Files.exists(out.resolve("imagesTr/synth_004_0000.nii.gz")));

        DatasetJson.Reading json = DatasetJson.read(out);
        assertEquals(List.of(), json.problems());
        DatasetDescriptor d = json.descriptor();
        assertEquals(Map.of("0", "CT"), d.channelNames());
        assertEquals(Map.of("background", 0, "organ", 1, "lesion", 2), d.labels());
        assertEquals(4, d.numTraining());
        assertEquals(".nii.gz", d.fileEnding());

        SegmentationDataset ds = SegmentationDataset.open(out);
        assertEquals(5, ds.cases().size());
        assertEquals(List.of(), DatasetValidator.validate(ds));
    }

    @Test
    void filesOnDiskKeepGeometryAndValues() {
        Path out = tmp.resolve("ds");
        SyntheticDatasetWriter.write(out, 2, 1, 3, new int[] { 40, 32 }, false);
        SyntheticCase expected = PhantomGenerator.generate(new int[] { 40, 32 }, 3, 0);
        Volume image = ImageFiles.read(out.resolve("imagesTr/synth_000_0000.nii.gz"));
        Volume label = ImageFiles.read(out.resolve("labelsTr/synth_000.nii.gz"));
        assertArrayEquals(new long[] { 40, 32 }, image.shape());
        assertEquals(image.geometry(), label.geometry());
        // NIfTI stores the affine as float32
        assertTrue(image.geometry().approximatelyEquals(expected.image().geometry(), 1e-3));
        assertArrayEquals(Voxels.of(expected.image()), Voxels.of(image));
        assertArrayEquals(Voxels.of(expected.label()), Voxels.of(label));
    }

    @Test
    void caseFilesDoNotDependOnTheNumberOfCases() throws IOException {
        Path three = tmp.resolve("three");
        Path five = tmp.resolve("five");
        SyntheticDatasetWriter.write(three, 3, 3, 99, SIZE, false);
        SyntheticDatasetWriter.write(five, 3, 5, 99, SIZE, false);
        assertArrayEquals(Files.readAllBytes(three.resolve("imagesTr/synth_001_0000.nii.gz")),
                Files.readAllBytes(five.resolve("imagesTr/synth_001_0000.nii.gz")));
        // case 2 is a test case of the 3-case dataset and a training case of the 5-case one: same content
        assertArrayEquals(Files.readAllBytes(three.resolve("imagesTs/synth_002_0000.nii.gz")),
                Files.readAllBytes(five.resolve("imagesTr/synth_002_0000.nii.gz")));
        assertArrayEquals(Files.readAllBytes(three.resolve("labelsTs/synth_002.nii.gz")),
                Files.readAllBytes(five.resolve("labelsTr/synth_002.nii.gz")));
    }

    @Test
    void refusesNonEmptyFolderUnlessOverwriting() throws IOException {
        Path out = tmp.resolve("ds");
        SyntheticDatasetWriter.write(out, 3, 5, 1, SIZE, false);
        MedSegException e = assertThrows(MedSegException.class,
                () -> SyntheticDatasetWriter.write(out, 3, 5, 1, SIZE, false));
        assertTrue(e.getMessage().contains("not empty") && e.getMessage().contains("--overwrite"), e.getMessage());

        Path notes = Files.writeString(out.resolve("notes.txt"), "mine");
        SyntheticDatasetWriter.write(out, 3, 2, 1, SIZE, true);
        // the earlier, larger dataset's cases are gone, other files are kept, and the result is consistent
        assertFalse(Files.exists(out.resolve("imagesTr/synth_003_0000.nii.gz")));
        assertFalse(Files.exists(out.resolve("imagesTs/synth_004_0000.nii.gz")));
        assertTrue(Files.exists(notes));
        SegmentationDataset ds = SegmentationDataset.open(out);
        assertEquals(2, ds.cases().size());
        assertEquals(List.of(), DatasetValidator.validate(ds));
    }

    @Test
    void splitsAFifthForTestingButKeepsTrainingCases() {
        assertEquals(0, SyntheticDatasetSpec.of(3, 1, 0, null).testCases());
        assertEquals(1, SyntheticDatasetSpec.of(3, 2, 0, null).testCases());
        assertEquals(2, SyntheticDatasetSpec.of(3, 10, 0, null).testCases());
        assertArrayEquals(new int[] { 64, 64, 64 }, SyntheticDatasetSpec.of(3, 1, 0, null).shape());
        assertArrayEquals(new int[] { 128, 128 }, SyntheticDatasetSpec.of(2, 1, 0, null).shape());
    }

    @Test
    void rejectsBadSpecsWithClearMessages() {
        assertTrue(assertThrows(MedSegException.class, () -> SyntheticDatasetSpec.of(3, 2, 0, new int[] { 32, 32 }))
                .getMessage().contains("needs 3"));
        assertThrows(MedSegException.class, () -> SyntheticDatasetSpec.of(4, 2, 0, null));
        assertThrows(MedSegException.class, () -> SyntheticDatasetSpec.of(2, 0, 0, null));
        assertThrows(MedSegException.class, () -> SyntheticDatasetSpec.of(2, 2, 0, new int[] { 4, 64 }));
        assertThrows(MedSegException.class, () -> new SyntheticDatasetSpec(2, 2, 0, null, ".png", null));
    }
}
