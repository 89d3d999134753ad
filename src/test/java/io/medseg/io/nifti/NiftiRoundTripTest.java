package io.medseg.io.nifti;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.medseg.image.Geometry;
import io.medseg.image.ImageDataType;
import io.medseg.image.Volume;
import io.medseg.io.ImageFiles;
import net.imglib2.Cursor;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.img.Img;
import net.imglib2.type.numeric.IntegerType;
import net.imglib2.type.numeric.RealType;
import net.imglib2.view.Views;

/** Write-then-read through {@link ImageFiles} for every data type, NIfTI version and compression. */
class NiftiRoundTripTest {
    @TempDir
    Path dir;

    /** An oblique, left-handed (LAS-like) affine, so sform, qform and qfac all matter. */
    static final double[][] OBLIQUE = obliqueAffine();

    static Stream<Arguments> everyTypeVersionAndCompression() {
        Stream.Builder<Arguments> s = Stream.builder();
        for (ImageDataType t : ImageDataType.values()) {
            for (int version : new int[] { 1, 2 }) {
                for (String ext : new String[] { ".nii", ".nii.gz" }) {
                    s.add(Arguments.of(t, version, ext));
                }
            }
        }
        return s.build();
    }

    @ParameterizedTest(name = "{0} NIfTI-{1} {2}")
    @MethodSource("everyTypeVersionAndCompression")
    void valuesGeometryAndTypeSurvive(ImageDataType type, int version, String ext) throws IOException {
        long channels = type == ImageDataType.RGB24 ? 3 : 1;
        Img<? extends RealType<?>> img = type.createImg(5, 4, 3, channels);
        fill(img, type, 7);
        Geometry g = Geometry.ofAffine(3, OBLIQUE);
        // a NIfTI header with another geometry only selects the version; the geometry is written fresh
        Volume v = new Volume(img, g, type, null, new NiftiHeader.Builder(version).build());
        Path file = dir.resolve("img" + ext);
        ImageFiles.write(v, file, false);

        Volume back = ImageFiles.read(file);
        assertEquals(type, back.storedType());
        assertEquals(type.memoryType(), back.dataType());
        assertTrue(back.scaling().isIdentity());
        assertArrayEquals(new long[] { 5, 4, 3 }, back.shape());
        assertEquals(channels, back.channels());
        assertSameValues(img, back.pixels());
        assertEquals(version, ((NiftiHeader) back.sourceHeader().orElseThrow()).version());
        if (version == 2) {
            assertEquals(g, back.geometry(), "NIfTI-2 stores the sform as doubles: exact");
        } else {
            NiftiTestFiles.assertAffine(OBLIQUE, back.geometry().affine(), 1e-5);
        }
        assertEquals(ext.endsWith(".gz"), isGzip(file));
    }

    @Test
    void rgbIsInterleavedPerVoxelOnDisk() throws IOException {
        Img<? extends RealType<?>> img = ImageDataType.UINT8.createImg(2, 2, 3);
        fill(img, ImageDataType.UINT8, 3);
        Volume v = new Volume(img, Geometry.identity(2), ImageDataType.RGB24, null, null);
        Path file = dir.resolve("rgb.nii");
        ImageFiles.write(v, file, false);
        byte[] bytes = Files.readAllBytes(file);
        assertEquals(128, ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getShort(70), "datatype RGB24");
        assertEquals(2, ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getShort(40), "dim[0]: a 2D image");
        assertEquals(352 + 4 * 3, bytes.length);
        double[] values = NiftiTestFiles.values(img); // channel-major in memory
        for (int voxel = 0; voxel < 4; voxel++) {
            for (int c = 0; c < 3; c++) {
                assertEquals((int) values[c * 4 + voxel], bytes[352 + 3 * voxel + c] & 0xff, "voxel " + voxel + " c" + c);
            }
        }
        Volume back = ImageFiles.read(file);
        assertEquals(2, back.spatialDims());
        assertSameValues(img, back.pixels());
    }

    @Test
    void twoDimensionalImagesStayTwoDimensional() throws IOException {
        Img<? extends RealType<?>> img = ImageDataType.INT16.createImg(7, 5, 1);
        fill(img, ImageDataType.INT16, 11);
        Geometry g = Geometry.of(new double[] { 0.5, 0.25 }, new double[] { 10, -20, 3 }, null);
        Path file = dir.resolve("flat.nii");
        ImageFiles.write(Volume.of(img, g), file, false);
        assertEquals(2, ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN).getShort(40));
        Volume back = ImageFiles.read(file);
        assertEquals(2, back.spatialDims());
        assertArrayEquals(new long[] { 7, 5 }, back.shape());
        assertArrayEquals(new double[] { 0.5, 0.25 }, back.geometry().spacing(), 0);
        assertArrayEquals(new double[] { 10, -20, 3 }, back.geometry().origin(), 0);
        assertSameValues(img, back.pixels());
    }

    @Test
    void channelsAreTheFourthDimension() throws IOException {
        Img<? extends RealType<?>> img = ImageDataType.FLOAT32.createImg(4, 3, 2, 5);
        fill(img, ImageDataType.FLOAT32, 5);
        Path file = dir.resolve("four.nii.gz");
        ImageFiles.write(Volume.of(img, Geometry.identity(3)), file, false);
        ByteBuffer h = ByteBuffer.wrap(gunzip(file)).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(4, h.getShort(40), "dim[0]");
        assertEquals(5, h.getShort(48), "dim[4]");
        Volume back = ImageFiles.read(file);
        assertEquals(5, back.channels());
        assertSameValues(img, back.pixels());
        // channel c of the volume is the c-th 3D block in the file
        assertSameValues(Views.hyperSlice(img, 3, 4), back.channel(4));
    }

    @Test
    void bigDimensionsSwitchToNifti2() throws IOException {
        Img<? extends RealType<?>> img = ImageDataType.UINT8.createImg(40000, 1, 1);
        fill(img, ImageDataType.UINT8, 1);
        Path file = dir.resolve("long.nii.gz");
        ImageFiles.write(Volume.of(img, Geometry.identity(2)), file, false);
        assertEquals(540, ByteBuffer.wrap(gunzip(file)).order(ByteOrder.LITTLE_ENDIAN).getInt(0));
        Volume back = ImageFiles.read(file);
        assertArrayEquals(new long[] { 40000, 1 }, back.shape());
        assertSameValues(img, back.pixels());
    }

    @Test
    void rereadImageIsWrittenBackByteForByte() throws IOException {
        Img<? extends RealType<?>> img = ImageDataType.INT16.createImg(6, 5, 4, 2);
        fill(img, ImageDataType.INT16, 2);
        Path first = dir.resolve("a.nii");
        ImageFiles.write(Volume.of(img, Geometry.ofAffine(3, OBLIQUE)), first, false);
        Path second = dir.resolve("b.nii");
        ImageFiles.write(ImageFiles.read(first), second, false);
        assertArrayEquals(Files.readAllBytes(first), Files.readAllBytes(second));
    }

    // ---------------------------------------------------------------------------------------------------- helpers

    static double[][] obliqueAffine() {
        double t = Math.toRadians(25);
        // rotation about z, then x flipped (left-handed), spacings 0.75, 1.5, 3 and an offset
        double[][] a = {
                { -Math.cos(t) * 0.75, -Math.sin(t) * 1.5, 0, 91.25 },
                { -Math.sin(t) * 0.75, Math.cos(t) * 1.5, 0, -126.5 },
                { 0, 0, 3, -72.125 },
                { 0, 0, 0, 1 } };
        return a;
    }

    /** Fills with the type's extremes, zero, +-1 and random values (NaN and infinities for floats). */
    static void fill(Img<? extends RealType<?>> img, ImageDataType type, long seed) {
        Random rnd = new Random(seed);
        ImageDataType mem = type.memoryType();
        long[] specialInts = { (long) mem.min(), (long) mem.max(), 0, 1, mem.min() < 0 ? -1 : 2 };
        if (mem == ImageDataType.INT64) {
            specialInts[0] = Long.MIN_VALUE;
            specialInts[1] = Long.MAX_VALUE;
        }
        double[] specialReals = { Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0, 1e-30,
                mem == ImageDataType.FLOAT32 ? Float.MAX_VALUE : Double.MAX_VALUE,
                mem == ImageDataType.FLOAT32 ? Float.MIN_VALUE : Double.MIN_VALUE };
        int i = 0;
        for (RealType<?> t : Views.flatIterable(img)) {
            if (t instanceof IntegerType<?> it) {
                long v;
                if (i < specialInts.length) {
                    v = specialInts[i];
                } else if (mem == ImageDataType.INT64) {
                    v = rnd.nextLong();
                } else {
                    v = (long) mem.min() + (long) (rnd.nextDouble() * (mem.max() - mem.min()));
                }
                it.setInteger(v);
            } else {
                t.setReal(i < specialReals.length ? specialReals[i] : rnd.nextGaussian() * 1000);
            }
            i++;
        }
    }

    /** Same shape and bit-identical values (exact long comparison for integer types). */
    static void assertSameValues(RandomAccessibleInterval<? extends RealType<?>> expected,
            RandomAccessibleInterval<? extends RealType<?>> actual) {
        assertEquals(expected.numDimensions(), actual.numDimensions());
        for (int d = 0; d < expected.numDimensions(); d++) {
            assertEquals(expected.dimension(d), actual.dimension(d), "dimension " + d);
        }
        Cursor<? extends RealType<?>> e = Views.flatIterable(expected).cursor();
        Cursor<? extends RealType<?>> a = Views.flatIterable(actual).cursor();
        int i = 0;
        while (e.hasNext()) {
            RealType<?> x = e.next(), y = a.next();
            if (x instanceof IntegerType<?> xi && y instanceof IntegerType<?> yi) {
                assertEquals(xi.getIntegerLong(), yi.getIntegerLong(), "value " + i);
            } else {
                assertEquals(Double.doubleToLongBits(x.getRealDouble()), Double.doubleToLongBits(y.getRealDouble()),
                        "value " + i + ": " + x + " vs " + y);
            }
            i++;
        }
    }

    static boolean isGzip(Path file) throws IOException {
        byte[] b = Arrays.copyOf(Files.readAllBytes(file), 2);
        return (b[0] & 0xff) == 0x1f && (b[1] & 0xff) == 0x8b;
    }

    static byte[] gunzip(Path file) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            return out.toByteArray();
        }
    }
}
