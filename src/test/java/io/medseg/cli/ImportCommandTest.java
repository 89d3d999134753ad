package io.medseg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import io.medseg.image.Volume;
import io.medseg.io.ImageFiles;
import io.medseg.model.nnunet.NnUNetFixtures;
import net.imglib2.Cursor;
import net.imglib2.type.numeric.RealType;
import net.imglib2.view.Views;

/**
 * {@code medseg import} then {@code medseg predict --probabilities} on a NIfTI image at the plans' spacing, against
 * the probabilities PyTorch computes the way nnU-Net's pipeline feeds the network (SimpleITK's (z, y, x) arrays,
 * z-score, a 2D configuration slice by slice, five folds averaged): fixtures/make_fixtures.py.
 */
class ImportCommandTest {
    @TempDir
    Path tmp;

    private static Path fixture(String name) {
        return NnUNetFixtures.folder(name);
    }

    /** A copy of a fixture's fold 0 under tmp/name, with another plans.json or dataset.json where given. */
    private Path variant(String source, String name, String plans, String dataset) throws Exception {
        Path from = fixture(source);
        Path to = tmp.resolve(name);
        Files.createDirectories(to.resolve("fold_0"));
        Files.copy(from.resolve("fold_0/checkpoint_final.pth"), to.resolve("fold_0/checkpoint_final.pth"));
        Files.writeString(to.resolve("plans.json"), plans != null ? plans : Files.readString(from.resolve("plans.json")));
        Files.writeString(to.resolve("dataset.json"), dataset != null ? dataset
                : Files.readString(from.resolve("dataset.json")));
        return to;
    }

    @ParameterizedTest
    @ValueSource(strings = { "umamba-enc-3d", "umamba-bot-2d", "resenc-unet-3d", "resenc-unet-3d-transposed" })
    void importedModelsPredictWhatPyTorchPredicts(String name) throws Exception {
        Path folder = fixture(name);
        CliRunner imported = CliRunner.run("import", folder.toString(), "--out", tmp.resolve("model").toString());
        assertEquals(0, imported.status(), imported.err());
        CliRunner predicted = CliRunner.run("predict", tmp.resolve("model").toString(), "--in",
                folder.resolve("case_0000.nii.gz").toString(), "--out", tmp.resolve("pred").toString(),
                "--probabilities");
        assertEquals(0, predicted.status(), predicted.err());
        JsonObject e = JsonParser.parseString(Files.readString(folder.resolve("case_expected.json"))).getAsJsonObject();
        long[] s = e.getAsJsonArray("shape").asList().stream().mapToLong(x -> x.getAsLong()).toArray();
        List<Float> want = e.getAsJsonArray("probabilities").asList().stream().map(x -> x.getAsFloat()).toList();
        Volume probs = ImageFiles.read(tmp.resolve("pred/case_probabilities.nii.gz"));
        Cursor<? extends RealType<?>> c = Views.flatIterable(probs.pixels()).localizingCursor();
        float worst = 0;
        while (c.hasNext()) { // (i, j, k, class), i fastest; expected (class, i, j, k) in C order
            c.fwd();
            long index = ((c.getLongPosition(3) * s[0] + c.getLongPosition(0)) * s[1] + c.getLongPosition(1)) * s[2]
                    + c.getLongPosition(2);
            worst = Math.max(worst, Math.abs(c.get().getRealFloat() - want.get((int) index)));
        }
        assertTrue(worst <= 1e-4f, name + ": max |difference| " + worst);
    }

    @Test
    void weightsThatDoNotFitThePlansAreNamedAndNothingIsWritten() throws Exception {
        variant("umamba-bot-2d", "copy", Files.readString(fixture("umamba-bot-2d").resolve("plans.json"))
                .replace("\"UNet_base_num_features\": 4", "\"UNet_base_num_features\": 8"), null);
        CliRunner r = CliRunner.run("import", tmp.resolve("copy").toString(), "--out", tmp.resolve("out").toString());
        assertEquals(1, r.status());
        assertTrue(r.err().contains("checkpoint_final.pth: the network weights do not fit a umamba-bot built from the"
                + " plans: wrong shape encoder.stem.0.conv1.weight [4, 1, 3, 3] (expected [8, 1, 3, 3])"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertFalse(Files.exists(tmp.resolve("out/model.medseg")));
    }

    @Test
    void badFoldersAndOptionsGetOneLine() throws Exception {
        Path source = fixture("umamba-enc-2d");
        CliRunner folds = CliRunner.run("import", source.toString(), "--out", tmp.toString(), "--folds", "3");
        assertEquals(1, folds.status());
        assertTrue(folds.err().contains("fold_3/checkpoint_final.pth: missing"), folds.err());
        CliRunner best = CliRunner.run("import", source.toString(), "--out", tmp.toString(), "--checkpoint", "best");
        assertTrue(best.err().contains("no fold_N/checkpoint_best.pth"), best.err());
        CliRunner none = CliRunner.run("import", tmp.resolve("nowhere").toString(), "--out", tmp.toString());
        assertTrue(none.err().contains("nowhere: no such folder"), none.err());
        assertEquals(0, CliRunner.run("import", source.toString(), "--out", tmp.toString()).status());
        CliRunner again = CliRunner.run("import", source.toString(), "--out", tmp.toString());
        assertTrue(again.err().contains("model.medseg: exists; pass --overwrite"), again.err());
        assertEquals(0, CliRunner.run("import", source.toString(), "--out", tmp.toString(), "--overwrite").status());
    }

    @Test
    void regionsAndCascadesAreRefusedByName() throws Exception {
        variant("umamba-enc-2d", "regions", null, "{\"channel_names\": {\"0\": \"T1\"}, \"labels\":"
                + " {\"background\": 0, \"whole_tumor\": [1, 2], \"core\": 2}, \"regions_class_order\": [1, 2],"
                + " \"numTraining\": 1, \"file_ending\": \".nii.gz\"}");
        CliRunner r = CliRunner.run("import", tmp.resolve("regions").toString(), "--out", tmp.resolve("o").toString());
        assertEquals(1, r.status());
        assertTrue(r.err().contains("dataset.json") && r.err().contains("region"), r.err());
        variant("umamba-enc-2d", "cascade", Files.readString(fixture("umamba-enc-2d").resolve("plans.json"))
                .replace("\"batch_dice\": true", "\"batch_dice\": true, \"previous_stage\": \"3d_lowres\""), null);
        CliRunner c = CliRunner.run("import", tmp.resolve("cascade").toString(), "--out", tmp.resolve("o").toString());
        assertEquals(1, c.status());
        assertTrue(c.err().contains("second stage of a cascade"), c.err());
    }

    @Test
    void aTwoDImageIsOneSliceToAModelOfSlices() throws Exception {
        // nnU-Net's 2d configuration reads a 2D image as a volume of one slice; so does MedSeg
        assertEquals(0, CliRunner.run("import", fixture("umamba-bot-2d").toString(), "--out",
                tmp.resolve("m").toString()).status());
        Volume volume = ImageFiles.read(fixture("umamba-bot-2d").resolve("case_0000.nii.gz"));
        Volume slice = new Volume(Views.hyperSlice(volume.pixels(), 2, 1), io.medseg.image.Geometry.identity(2),
                volume.storedType(), volume.scaling(), null);
        ImageFiles.write(slice, tmp.resolve("in2d/a_0000.nii.gz"), false);
        ImageFiles.write(io.medseg.image.OneSliceVolumes.asVolume(slice, 2), tmp.resolve("in3d/a_0000.nii.gz"), false);
        for (String in : List.of("in2d", "in3d")) {
            CliRunner r = CliRunner.run("predict", tmp.resolve("m").toString(), "--in", tmp.resolve(in).toString(),
                    "--out", tmp.resolve("out-" + in).toString(), "--probabilities");
            assertEquals(0, r.status(), r.err());
        }
        assertEquals(2, ImageFiles.read(tmp.resolve("out-in2d/a.nii.gz")).spatialDims(), "written as the input is");
        float[] p2 = floats(ImageFiles.read(tmp.resolve("out-in2d/a_probabilities.nii.gz")));
        float[] p3 = floats(ImageFiles.read(tmp.resolve("out-in3d/a_probabilities.nii.gz")));
        org.junit.jupiter.api.Assertions.assertArrayEquals(p3, p2, 0f);
    }

    private static float[] floats(Volume v) {
        List<Float> out = new java.util.ArrayList<>();
        Views.flatIterable(v.pixels()).forEach(t -> out.add(t.getRealFloat()));
        float[] a = new float[out.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = out.get(i);
        }
        return a;
    }

    @Test
    void nnUNetsIgnoreLabelIsNotAClass() throws Exception {
        variant("umamba-enc-2d", "ignore", null, "{\"channel_names\": {\"0\": \"MRI\"}, \"labels\":"
                + " {\"background\": 0, \"organ\": 1, \"lesion\": 2, \"ignore\": 3}, \"numTraining\": 4,"
                + " \"file_ending\": \".nii.gz\"}");
        assertEquals(0, CliRunner.run("import", tmp.resolve("ignore").toString(), "--out", tmp.resolve("m").toString())
                .status());
        assertEquals(List.of("background", "organ", "lesion"), List.copyOf(io.medseg.model.ModelFile
                .readHeader(tmp.resolve("m/model.medseg")).metadata().labels().keySet()));
        Volume volume = ImageFiles.read(fixture("umamba-bot-2d").resolve("case_0000.nii.gz"));
        ImageFiles.write(new Volume(Views.hyperSlice(volume.pixels(), 2, 0), io.medseg.image.Geometry.identity(2),
                volume.storedType(), volume.scaling(), null), tmp.resolve("in/a_0000.nii.gz"), false);
        CliRunner r = CliRunner.run("predict", tmp.resolve("m").toString(), "--in", tmp.resolve("in").toString(),
                "--out", tmp.resolve("out").toString());
        assertEquals(0, r.status(), r.err());
    }
}
