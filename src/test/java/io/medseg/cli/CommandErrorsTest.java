package io.medseg.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.medseg.image.Geometry;
import io.medseg.image.ImageDataType;
import io.medseg.image.Volume;
import io.medseg.io.ImageFiles;
import net.imglib2.img.Img;
import net.imglib2.type.numeric.RealType;
import net.imglib2.view.Views;

/** Bad input gives one line naming the file, a non-zero status and no output; convert keeps geometry. */
class CommandErrorsTest {
    @TempDir
    Path dir;

    private Path ct() {
        Img<? extends RealType<?>> img = ImageDataType.INT16.createImg(6, 5, 4, 1);
        int i = 0;
        for (RealType<?> t : img) {
            t.setReal(-1000 + 37 * i++);
        }
        Geometry g = Geometry.of(new double[] { 0.7, 0.8, 2.5 }, new double[] { -10, 20, 30 },
                new double[][] { { -1, 0, 0 }, { 0, -1, 0 }, { 0, 0, 1 } });
        Path f = dir.resolve("ct.nii");
        ImageFiles.write(Volume.of(img, g), f, false);
        return f;
    }

    private static void assertOneLineError(CliRunner r, String... phrases) {
        assertEquals(1, r.status(), r.err());
        String[] lines = r.err().strip().split("\n");
        assertEquals(1, lines.length, "one line: " + r.err());
        assertTrue(lines[0].startsWith("medseg: error: "), lines[0]);
        for (String p : phrases) {
            assertTrue(lines[0].contains(p), lines[0] + " should contain " + p);
        }
    }

    @Test
    void convertKeepsGeometryTypeAndValuesAcrossNiftiVariants() {
        Path in = ct();
        Path gz = dir.resolve("ct.nii.gz");
        assertEquals(0, CliRunner.run("convert", in.toString(), gz.toString()).status());
        Volume a = ImageFiles.read(in);
        Volume b = ImageFiles.read(gz);
        assertEquals(a.geometry(), b.geometry());
        assertEquals(ImageDataType.INT16, b.storedType());
        assertArrayEquals(values(a), values(b));
        Path back = dir.resolve("back.nii");
        assertEquals(0, CliRunner.run("convert", gz.toString(), back.toString()).status());
        assertEquals(a.geometry(), ImageFiles.read(back).geometry());
    }

    @Test
    void pictureConversionWarnsAboutDroppedGeometry() throws IOException {
        Img<? extends RealType<?>> img = ImageDataType.UINT8.createImg(4, 3, 1, 1);
        img.firstElement().setReal(200);
        Path in = dir.resolve("slice.nii.gz");
        ImageFiles.write(Volume.of(img, Geometry.of(new double[] { 2, 2, 2 }, new double[3], null)), in, false);
        CliRunner r = CliRunner.run("convert", in.toString(), dir.resolve("slice.png").toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(r.err().contains("warning") && r.err().contains("geometry"), r.err());
        assertEquals(200.0, values(ImageFiles.read(dir.resolve("slice.png")))[0]);
    }

    @Test
    void badInputsGiveOneLineAndNoOutput() throws IOException {
        Path in = ct();
        assertOneLineError(CliRunner.run("info", dir.resolve("missing.nii").toString()), "missing.nii", "no such file");
        assertOneLineError(CliRunner.run("info", dir.resolve("notes.txt").toString()), "notes.txt", "unsupported file type");

        Path junk = dir.resolve("junk.nii");
        Files.write(junk, new byte[400]);
        assertOneLineError(CliRunner.run("info", junk.toString()), "junk.nii");

        Path cut = dir.resolve("cut.nii");
        byte[] bytes = Files.readAllBytes(in);
        Files.write(cut, Arrays.copyOf(bytes, bytes.length - 10));
        assertOneLineError(CliRunner.run("convert", cut.toString(), dir.resolve("out.nii.gz").toString()), "cut.nii",
                "truncated");
        assertFalse(Files.exists(dir.resolve("out.nii.gz")));

        assertOneLineError(CliRunner.run("convert", in.toString(), dir.resolve("ct.png").toString()), "ct.png", "3D");
        assertFalse(Files.exists(dir.resolve("ct.png")));
        try (var s = Files.list(dir)) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().contains(".tmp-")), "no temporary files left");
        }
    }

    @Test
    void existingOutputIsNotOverwrittenWithoutTheFlag() throws IOException {
        Path in = ct();
        Path out = dir.resolve("out.nii");
        Files.writeString(out, "user data");
        assertOneLineError(CliRunner.run("convert", in.toString(), out.toString()), "out.nii", "--overwrite");
        assertEquals("user data", Files.readString(out));
        assertEquals(0, CliRunner.run("convert", "--overwrite", in.toString(), out.toString()).status());
        assertEquals(ImageFiles.read(in).geometry(), ImageFiles.read(out).geometry());
        assertOneLineError(CliRunner.run("convert", in.toString(), in.toString()), "input file");
    }

    @Test
    void debugAddsTheStackTraceAndUsageErrorsExitWithTwo() {
        CliRunner r = CliRunner.run("info", "--debug", dir.resolve("missing.nii").toString());
        assertEquals(1, r.status());
        assertTrue(r.err().contains("at io.medseg"), r.err());
        CliRunner usage = CliRunner.run("info");
        assertEquals(2, usage.status());
        assertTrue(usage.err().contains("Usage"), usage.err());
        assertEquals(0, CliRunner.run("convert", "--help").status());
    }

    private static double[] values(Volume v) {
        return Views.flatIterable(v.pixels()).stream().mapToDouble(RealType::getRealDouble).toArray();
    }
}
