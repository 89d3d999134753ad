package io.medseg.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.medseg.engine.EngineTest;
import io.medseg.image.Geometry;
import io.medseg.image.ImageDataType;
import io.medseg.image.Volume;
import io.medseg.inference.TestModels;
import io.medseg.io.ImageFiles;
import io.medseg.io.nifti.NiftiHeader;
import net.imglib2.img.array.ArrayImgs;

class PredictCommandTest extends EngineTest {
    private static final long[] PATCH = { 32, 16 };

    @TempDir
    Path dir;

    private Path modelDir(int channels) {
        Path d = dir.resolve("model" + channels);
        TestModels.save(d.resolve("model.medseg"), manager, channels, PATCH, new double[] { 1, 1 }, true);
        return d;
    }

    @Test
    void writesPredictionsWithTheInputsGeometryAndNames() {
        Path model = modelDir(1);
        Path in = dir.resolve("imagesTs");
        Geometry g = TestModels.geometry2d();
        ImageFiles.write(TestModels.image(new long[] { 45, 30 }, g, 1), in.resolve("liver_001_0000.nii.gz"), false);
        ImageFiles.write(TestModels.image(new long[] { 20, 50 }, g, 2), in.resolve("liver_002_0000.nii.gz"), false);
        Path out = dir.resolve("pred");
        CliRunner r = CliRunner.run("predict", model.toString(), "--in", in.toString(), "--out", out.toString(),
                "--probabilities", "--device", "cpu", "--tta");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("liver_001: 45x30 -> "), r.out());
        assertTrue(r.out().contains("predicted 2 case(s)"), r.out());
        for (String id : new String[] { "liver_001", "liver_002" }) {
            Volume input = ImageFiles.read(in.resolve(id + "_0000.nii.gz"));
            Volume labels = ImageFiles.read(out.resolve(id + ".nii.gz"));
            assertArrayEquals(input.shape(), labels.shape());
            assertTrue(labels.geometry().approximatelyEquals(input.geometry(), 1e-6), labels.geometry().toString());
            assertEquals(ImageDataType.UINT8, labels.storedType());
            NiftiHeader h = (NiftiHeader) labels.sourceHeader().orElseThrow();
            NiftiHeader source = (NiftiHeader) input.sourceHeader().orElseThrow();
            assertArrayEquals(source.dim(), h.dim());
            assertArrayEquals(source.srowX(), h.srowX());
            Volume probs = ImageFiles.read(out.resolve(id + "_probabilities.nii.gz"));
            assertEquals(3, probs.channels());
            // NIfTI keeps channels in dim[4], so a 2D case's probabilities read back as one slice of a 3D grid
            long[] s = input.shape();
            assertArrayEquals(new long[] { s[0], s[1], 1 }, probs.shape());
            assertEquals(ImageDataType.FLOAT32, probs.storedType());
            for (int row = 0; row < 4; row++) {
                assertArrayEquals(input.geometry().affine()[row], probs.geometry().affine()[row], 1e-6);
            }
        }
        assertFalse(Files.exists(out.resolve("liver_001_0000.nii.gz")));
    }

    @Test
    void singlePictureKeepsItsFormat() {
        Path model = modelDir(1);
        byte[] pixels = new byte[40 * 24];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) (i % 7 * 30);
        }
        Path png = dir.resolve("photo.png");
        ImageFiles.write(Volume.of(ArrayImgs.unsignedBytes(pixels, 40, 24, 1), Geometry.identity(2)), png, false);
        Path out = dir.resolve("pred");
        CliRunner r = CliRunner.run("predict", model.resolve("model.medseg").toString(), "--in", png.toString(),
                "--out", out.toString(), "--overlap", "0.25", "--tile-batch", "1");
        assertEquals(0, r.status(), r.err());
        Volume labels = ImageFiles.read(out.resolve("photo.png"));
        assertArrayEquals(new long[] { 40, 24 }, labels.shape());
    }

    @Test
    void errorsAreOneLineNamingTheProblem() throws IOException {
        Path model = modelDir(1);
        Path in = dir.resolve("in");
        ImageFiles.write(TestModels.image(new long[] { 40, 20 }, Geometry.identity(2), 1), in.resolve("a_0000.nii"),
                false);
        Path out = dir.resolve("out");

        assertError(dir.resolve("nothing.medseg") + ": no such model file or folder", "predict",
                dir.resolve("nothing.medseg").toString(), "--in", in.toString(), "--out", out.toString());
        assertError("--overlap must be a number in [0, 1), got '1.0'", "predict", model.toString(), "--in",
                in.toString(), "--out", out.toString(), "--overlap", "1");
        assertError("--tile-batch must be an integer in [1, 256], got '0'", "predict", model.toString(), "--in", in.toString(), "--out",
                out.toString(), "--tile-batch", "0");

        Path two = modelDir(2);
        assertError("case a: channel file " + in.resolve("a_0001.nii") + " is missing (the model takes 2 channels)",
                "predict", two.toString(), "--in", in.toString(), "--out", out.toString());
        assertError("case a: 1 input channel(s), but the model takes 2 [CT, PET]", "predict", two.toString(), "--in",
                in.resolve("a_0000.nii").toString(), "--out", out.toString());

        Path bare = TestModels.save(dir.resolve("bare.medseg"), manager, 1, PATCH, null, false);
        assertError(bare + ": has no preprocessing plan", "predict", bare.toString(), "--in", in.toString(), "--out",
                out.toString());

        Path vol = dir.resolve("vol_0000.nii.gz");
        ImageFiles.write(TestModels.image(new long[] { 40, 20, 6 }, Geometry.identity(3), 1), vol, false);
        assertError("case vol: the image is 3D [40, 20, 6] but the model is 2D", "predict", model.toString(), "--in",
                vol.toString(), "--out", out.toString());

        Files.createDirectories(out);
        Files.writeString(out.resolve("a.nii"), "old");
        assertError(out.resolve("a.nii").toAbsolutePath() + ": already exists (use --overwrite to replace it)",
                "predict", model.toString(), "--in", in.toString(), "--out", out.toString());
        assertEquals("old", Files.readString(out.resolve("a.nii")));
        CliRunner ok = CliRunner.run("predict", model.toString(), "--in", in.toString(), "--out", out.toString(),
                "--overwrite");
        assertEquals(0, ok.status(), ok.err());
        assertArrayEquals(new long[] { 40, 20 }, ImageFiles.read(out.resolve("a.nii")).shape());

        Files.writeString(in.resolve("notes_x.nii"), "");
        assertError(in.resolve("notes_x.nii") + ": not named CASE_0000.nii", "predict", model.toString(), "--in",
                in.toString(), "--out", out.toString(), "--overwrite");
    }

    private static void assertError(String expectedStart, String... args) {
        CliRunner r = CliRunner.run(args);
        assertEquals(1, r.status(), r.out() + r.err());
        String line = r.err().strip();
        assertFalse(line.contains("\n"), "one line: " + line);
        assertTrue(line.startsWith("medseg: error: " + expectedStart), line);
    }
}
