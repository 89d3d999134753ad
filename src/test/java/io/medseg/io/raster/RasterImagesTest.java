package io.medseg.io.raster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.medseg.MedSegException;
import io.medseg.image.Geometry;
import io.medseg.image.ImageDataType;
import io.medseg.image.Volume;
import io.medseg.io.ImageFiles;
import net.imglib2.Cursor;
import net.imglib2.img.Img;
import net.imglib2.type.numeric.RealType;
import net.imglib2.view.Views;

class RasterImagesTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @CsvSource({ "png,UINT8,1,255", "png,UINT16,1,65535", "png,UINT8,3,255", "png,UINT16,3,65535",
            "tif,UINT8,1,255", "tif,UINT16,1,65535", "tif,UINT8,3,255", "tiff,UINT16,3,60000" })
    void roundTripKeepsValuesTypeAndChannels(String ext, ImageDataType type, int channels, int maxValue) {
        Volume v = random(type, 37, 23, channels, maxValue, 7);
        Path f = dir.resolve("img." + ext);
        ImageFiles.write(v, f, false);
        Volume back = ImageFiles.read(f);
        assertEquals(type, back.dataType());
        assertArrayEquals(new long[] { 37, 23 }, back.shape());
        assertEquals(channels, back.channels());
        assertArrayEquals(values(v), values(back));
        assertEquals(Geometry.identity(2), back.geometry());
    }

    @Test
    void floatTiffKeepsFractions() {
        Img<? extends RealType<?>> img = ImageDataType.FLOAT32.createImg(5, 4, 1);
        int i = 0;
        for (RealType<?> t : img) {
            t.setReal(-3.25 + 0.5 * i++);
        }
        Path f = dir.resolve("f.tif");
        ImageFiles.write(Volume.of(img, Geometry.identity(2)), f, false);
        Volume back = ImageFiles.read(f);
        assertEquals(ImageDataType.FLOAT32, back.dataType());
        assertArrayEquals(values(Volume.of(img, Geometry.identity(2))), values(back));
    }

    @Test
    void paletteLabelMapReadsIndicesNotColours() throws IOException {
        byte[] r = { 0, (byte) 255, 0 };
        byte[] g = { 0, 0, (byte) 255 };
        byte[] b = { 0, 0, 0 };
        BufferedImage img = new BufferedImage(4, 3, BufferedImage.TYPE_BYTE_INDEXED, new IndexColorModel(2, 3, r, g, b));
        img.getRaster().setSample(1, 0, 0, 1);
        img.getRaster().setSample(2, 2, 0, 2);
        Path f = dir.resolve("labels.png");
        ImageIO.write(img, "png", f.toFile());
        Volume v = ImageFiles.read(f);
        assertEquals(1, v.channels());
        double[] vals = values(v);
        assertEquals(1.0, vals[1]); // (x=1, y=0)
        assertEquals(2.0, vals[2 * 4 + 2]); // (x=2, y=2)
        assertEquals(3.0, Arrays.stream(vals).sum());
    }

    @Test
    void rgbaDropsAlpha() throws IOException {
        BufferedImage img = new BufferedImage(2, 2, BufferedImage.TYPE_INT_ARGB);
        img.setRGB(1, 1, 0x80102030);
        Path f = dir.resolve("rgba.png");
        ImageIO.write(img, "png", f.toFile());
        Volume v = ImageFiles.read(f);
        assertEquals(3, v.channels());
        assertEquals(ImageDataType.UINT8, v.dataType());
        double[] vals = values(v); // channel-major: c * 4 + y * 2 + x
        assertEquals(0x10, vals[3]);
        assertEquals(0x20, vals[4 + 3]);
        assertEquals(0x30, vals[8 + 3]);
    }

    @Test
    void refusesWhatAPictureCannotHold() {
        Volume threeD = Volume.of(ImageDataType.UINT8.createImg(4, 4, 3, 1), Geometry.identity(3));
        MedSegException e = assertThrows(MedSegException.class, () -> ImageFiles.write(threeD, dir.resolve("a.png"), false));
        assertTrue(e.getMessage().contains("a.png") && e.getMessage().contains("3D"), e.getMessage());

        Img<? extends RealType<?>> neg = ImageDataType.INT16.createImg(3, 3, 1);
        neg.firstElement().setReal(-5);
        e = assertThrows(MedSegException.class,
                () -> ImageFiles.write(Volume.of(neg, Geometry.identity(2)), dir.resolve("b.png"), false));
        assertTrue(e.getMessage().contains("0..65535"), e.getMessage());

        Volume two = Volume.of(ImageDataType.UINT8.createImg(3, 3, 2), Geometry.identity(2));
        e = assertThrows(MedSegException.class, () -> ImageFiles.write(two, dir.resolve("c.tif"), false));
        assertTrue(e.getMessage().contains("channels"), e.getMessage());
        try (var files = list()) {
            assertEquals(0, files.count(), "nothing may be written when the image does not fit");
        }
    }

    @Test
    void singleSliceVolumeIsWrittenAsPicture() {
        Volume v = random(ImageDataType.UINT8, 6, 5, 1, 255, 3);
        Img<? extends RealType<?>> slab = ImageDataType.UINT8.createImg(6, 5, 1, 1);
        Cursor<? extends RealType<?>> src = Views.flatIterable(v.pixels()).cursor();
        Cursor<? extends RealType<?>> dst = Views.flatIterable(slab).cursor();
        while (src.hasNext()) {
            dst.next().setReal(src.next().getRealDouble());
        }
        Path f = dir.resolve("slab.png");
        ImageFiles.write(Volume.of(slab, Geometry.identity(3)), f, false);
        assertArrayEquals(values(v), values(ImageFiles.read(f)));
    }

    @Test
    void corruptTruncatedAndMislabelledFilesGiveOneLineErrors() throws IOException {
        Path good = dir.resolve("good.png");
        ImageFiles.write(random(ImageDataType.UINT8, 64, 64, 1, 255, 1), good, false);
        byte[] bytes = Files.readAllBytes(good);

        Path truncated = dir.resolve("truncated.png");
        Files.write(truncated, Arrays.copyOf(bytes, bytes.length / 2));
        assertOneLineError(truncated, "truncated.png");

        Path garbage = dir.resolve("garbage.png");
        Files.write(garbage, "this is not an image".getBytes());
        assertOneLineError(garbage, "not a PNG");

        Path tiffNamedPng = dir.resolve("really-a-tiff.png");
        ImageFiles.write(random(ImageDataType.UINT8, 4, 4, 1, 255, 1), dir.resolve("x.tif"), false);
        Files.copy(dir.resolve("x.tif"), tiffNamedPng);
        assertOneLineError(tiffNamedPng, "TIF");

        assertOneLineError(dir.resolve("missing.png"), "no such file");
        Files.createDirectory(dir.resolve("folder.png"));
        assertOneLineError(dir.resolve("folder.png"), "directory");
    }

    @Test
    void existingOutputIsKeptUnlessOverwriteIsAsked() throws IOException {
        Path f = dir.resolve("keep.png");
        ImageFiles.write(random(ImageDataType.UINT8, 4, 4, 1, 255, 1), f, false);
        byte[] before = Files.readAllBytes(f);
        Volume other = random(ImageDataType.UINT8, 4, 4, 1, 255, 2);
        MedSegException e = assertThrows(MedSegException.class, () -> ImageFiles.write(other, f, false));
        assertTrue(e.getMessage().contains("--overwrite"), e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(f));
        ImageFiles.write(other, f, true);
        assertFalse(Arrays.equals(before, Files.readAllBytes(f)));
        try (var files = list()) {
            assertEquals(1, files.count(), "no temporary files are left behind");
        }
    }

    private java.util.stream.Stream<Path> list() {
        try {
            return Files.list(dir);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void assertOneLineError(Path f, String phrase) {
        MedSegException e = assertThrows(MedSegException.class, () -> ImageFiles.read(f));
        assertTrue(e.getMessage().contains(f.getFileName().toString()), e.getMessage());
        assertTrue(e.getMessage().contains(phrase), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    static Volume random(ImageDataType type, int w, int h, int channels, int max, long seed) {
        Img<? extends RealType<?>> img = type.createImg(w, h, channels);
        SplittableRandom rnd = new SplittableRandom(seed);
        for (RealType<?> t : img) {
            t.setReal(rnd.nextInt(max + 1));
        }
        return Volume.of(img, Geometry.identity(2));
    }

    static double[] values(Volume v) {
        return Views.flatIterable(v.pixels()).stream().mapToDouble(RealType::getRealDouble).toArray();
    }
}
