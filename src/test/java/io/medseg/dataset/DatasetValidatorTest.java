package io.medseg.dataset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import io.medseg.image.Geometry;
import io.medseg.image.Volume;
import io.medseg.io.ImageFiles;
import io.medseg.synth.SyntheticDatasetWriter;
import net.imglib2.Cursor;
import net.imglib2.RandomAccess;
import net.imglib2.img.Img;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.type.numeric.RealType;
import net.imglib2.type.numeric.integer.UnsignedByteType;
import net.imglib2.view.Views;

/**
 * Each corruption of a valid synthetic dataset must produce its own problem line naming the case and file, and all
 * of them together must all be reported in one validation.
 */
class DatasetValidatorTest {
    @TempDir
    static Path shared;
    static Path pristine;

    @TempDir
    Path tmp;

    @BeforeAll
    static void writeValidDataset() {
        pristine = shared.resolve("pristine");
        SyntheticDatasetWriter.write(pristine, 3, 5, 17, new int[] { 20, 20, 16 }, false);
    }

    @Test
    void syntheticDatasetIsValid() {
        SegmentationDataset ds = SegmentationDataset.open(copy());
        assertEquals(List.of(), DatasetValidator.validate(ds));
        DatasetValidator.requireValid(ds);
        assertEquals(4, ds.cases(DatasetSplit.TRAIN).size());
        DatasetCase c = ds.cases(DatasetSplit.TEST).get(0);
        assertEquals("synth_004", c.id());
        assertEquals(List.of(ds.root().resolve("imagesTs/synth_004_0000.nii.gz")), c.channelImages());
        assertEquals(ds.root().resolve("labelsTs/synth_004.nii.gz"), c.label());
    }

    @Test
    void deletedLabel() {
        assertReports(DatasetValidatorTest::deleteLabel,
                "case synth_001: imagesTr/synth_001_0000.nii.gz: image without label (expected labelsTr/synth_001.nii.gz)");
    }

    @Test
    void deletedImage() {
        assertReports(DatasetValidatorTest::deleteImage,
                "case synth_000: labelsTr/synth_000.nii.gz: label without image (expected imagesTr/synth_000_0000.nii.gz)");
    }

    @Test
    void undeclaredLabelValue() {
        assertReports(DatasetValidatorTest::labelValueSeven,
                "case synth_002: labelsTr/synth_002.nii.gz: label values [7] not declared in dataset.json labels [0, 1, 2]");
    }

    @Test
    void resizedLabel() {
        assertReports(DatasetValidatorTest::resizeLabel, "case synth_003: labelsTr/synth_003.nii.gz: label shape "
                + "[20, 20, 15] differs from imagesTr/synth_003_0000.nii.gz shape [20, 20, 16]");
    }

    @Test
    void labelWithOtherGeometry() {
        assertReports(DatasetValidatorTest::shiftLabelOrigin,
                "case synth_004: labelsTs/synth_004.nii.gz: label geometry differs from imagesTs/synth_004_0000.nii.gz");
    }

    @Test
    void wrongNumTraining() {
        assertReports(DatasetValidatorTest::numTrainingNine,
                "dataset.json: numTraining is 9 but imagesTr/labelsTr hold 4 training cases");
    }

    @Test
    void missingDatasetJsonKey() {
        assertReports(DatasetValidatorTest::removeFileEnding, "dataset.json: missing key \"file_ending\"");
    }

    @Test
    void missingChannelFile() {
        assertReports(DatasetValidatorTest::declareSecondChannel,
                "case synth_000: imagesTr/synth_000_0001.nii.gz: missing channel file",
                "case synth_004: imagesTs/synth_004_0001.nii.gz: missing channel file");
    }

    @Test
    void fileInTheWrongFormat() {
        assertReports(DatasetValidatorTest::addPng,
                "imagesTr/synth_009_0000.png: file ending differs from file_ending .nii.gz");
    }

    @Test
    void missingDatasetJson() {
        assertReports(d -> delete(d.resolve("dataset.json")),
                "dataset.json: missing; every nnU-Net dataset needs a dataset.json");
    }

    /** Every corruption at once: one validation reports all of them. */
    @Test
    void reportsAllProblemsAtOnce() {
        Path d = copy();
        deleteLabel(d);
        deleteImage(d);
        labelValueSeven(d);
        resizeLabel(d);
        shiftLabelOrigin(d);
        numTrainingNine(d);
        addPng(d);
        // file_ending removed too: the cases are still found by the ending on disk, so nothing else is lost
        removeFileEnding(d);
        List<String> lines = problems(d);
        for (String expected : List.of("image without label", "label without image", "label values [7]",
                "label shape [20, 20, 15]", "label geometry differs", "numTraining is 9", "missing key \"file_ending\"",
                "synth_009_0000.png: file ending differs")) {
            assertTrue(lines.stream().anyMatch(l -> l.contains(expected)), "missing '" + expected + "' in\n"
                    + String.join("\n", lines));
        }
        DatasetValidationException e = assertThrows(DatasetValidationException.class,
                () -> DatasetValidator.requireValid(SegmentationDataset.open(d)));
        assertEquals(lines.size(), e.problems().size());
        assertTrue(e.getMessage().contains(lines.size() + " problems"), e.getMessage());
    }

    @Test
    void geometryToleranceIsRelativeAndAbsolute() {
        Geometry a = Geometry.of(new double[] { 0.7, 0.7, 2.5 }, new double[] { -100, 50, -300 }, null);
        // 0.005 mm at an origin of -100 is within 1e-4 relative, though far beyond 1e-4 absolute
        Geometry close = Geometry.of(new double[] { 0.70004, 0.7, 2.5 }, new double[] { -100.005, 50, -300 }, null);
        Geometry far = Geometry.of(new double[] { 0.7, 0.7, 2.5 }, new double[] { -100.5, 50, -300 }, null);
        assertTrue(DatasetValidator.sameGeometry(close, a));
        assertFalse(DatasetValidator.sameGeometry(far, a));
    }

    private void assertReports(Consumer<Path> corruption, String... expected) {
        Path d = copy();
        corruption.accept(d);
        List<String> lines = problems(d);
        for (String e : expected) {
            assertTrue(lines.stream().anyMatch(l -> l.startsWith(e)), "expected a line starting with\n  " + e
                    + "\ngot\n  " + String.join("\n  ", lines));
        }
    }

    private static List<String> problems(Path d) {
        return DatasetValidator.validate(SegmentationDataset.open(d)).stream().map(DatasetProblem::toString)
                .collect(Collectors.toList());
    }

    // --- corruptions -------------------------------------------------------------------------------------------

    private static void deleteLabel(Path d) {
        delete(d.resolve("labelsTr/synth_001.nii.gz"));
    }

    private static void deleteImage(Path d) {
        delete(d.resolve("imagesTr/synth_000_0000.nii.gz"));
    }

    private static void labelValueSeven(Path d) {
        Path p = d.resolve("labelsTr/synth_002.nii.gz");
        Volume v = ImageFiles.read(p);
        Img<UnsignedByteType> copy = copyLabel(v, v.shape());
        RandomAccess<UnsignedByteType> ra = copy.randomAccess();
        ra.setPosition(new long[] { 3, 4, 5, 0 });
        ra.get().set(7);
        ImageFiles.write(Volume.of(copy, v.geometry()), p, true);
    }

    private static void resizeLabel(Path d) {
        Path p = d.resolve("labelsTr/synth_003.nii.gz");
        Volume v = ImageFiles.read(p);
        ImageFiles.write(Volume.of(copyLabel(v, new long[] { 20, 20, 15 }), v.geometry()), p, true);
    }

    private static void shiftLabelOrigin(Path d) {
        Path p = d.resolve("labelsTs/synth_004.nii.gz");
        Volume v = ImageFiles.read(p);
        double[][] a = v.geometry().affine();
        a[0][3] += 1.5; // 1.5 mm: far beyond the tolerance, small enough to look plausible
        ImageFiles.write(Volume.of(copyLabel(v, v.shape()), Geometry.ofAffine(3, a)), p, true);
    }

    private static void numTrainingNine(Path d) {
        editJson(d, o -> o.addProperty("numTraining", 9));
    }

    private static void removeFileEnding(Path d) {
        editJson(d, o -> o.remove("file_ending"));
    }

    private static void declareSecondChannel(Path d) {
        editJson(d, o -> o.getAsJsonObject("channel_names").addProperty("1", "PET"));
    }

    private static void addPng(Path d) {
        try {
            Files.write(d.resolve("imagesTr/synth_009_0000.png"), new byte[] { (byte) 0x89, 'P', 'N', 'G' });
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    // --- helpers -----------------------------------------------------------------------------------------------

    /** A uint8 copy of a label's first channel with another shape (cropped or zero-padded). */
    private static Img<UnsignedByteType> copyLabel(Volume v, long[] shape) {
        long[] dims = new long[shape.length + 1];
        System.arraycopy(shape, 0, dims, 0, shape.length);
        dims[shape.length] = 1;
        Img<UnsignedByteType> img = ArrayImgs.unsignedBytes(dims);
        RandomAccess<? extends RealType<?>> src = v.pixels().randomAccess();
        Cursor<UnsignedByteType> c = img.localizingCursor();
        long[] pos = new long[dims.length];
        while (c.hasNext()) {
            c.fwd();
            c.localize(pos);
            boolean inside = true;
            for (int i = 0; i < shape.length; i++) {
                inside &= pos[i] < v.shape()[i];
            }
            if (inside) {
                src.setPosition(pos);
                c.get().setReal(src.get().getRealDouble());
            }
        }
        return img;
    }

    private static void editJson(Path d, Consumer<JsonObject> edit) {
        Path p = d.resolve("dataset.json");
        try {
            JsonObject o = JsonParser.parseString(Files.readString(p)).getAsJsonObject();
            edit.accept(o);
            Files.writeString(p, o.toString(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static void delete(Path p) {
        try {
            Files.delete(p);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private Path copy() {
        Path target = tmp.resolve("ds");
        try (Stream<Path> s = Files.walk(pristine)) {
            List<Path> all = new ArrayList<>(s.toList());
            for (Path p : all) {
                Path t = target.resolve(pristine.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return target;
    }
}
