package io.medseg.io.nifti;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.medseg.image.ImageDataType;
import io.medseg.image.Volume;
import io.medseg.io.ImageFiles;
import net.imglib2.RandomAccess;
import net.imglib2.type.numeric.RealType;
import net.imglib2.type.numeric.integer.ShortType;
import net.imglib2.type.numeric.real.DoubleType;
import net.imglib2.type.numeric.real.FloatType;

/** scl_slope / scl_inter: applied on reading, remembered, and undone exactly on writing. */
class NiftiScalingTest {
    @TempDir
    Path dir;

    /** int16 raw values -3..4 in a 2x2x2 image with the given scaling. */
    private Path scaledInt16(String name, double slope, double inter) throws IOException {
        NiftiHeader.Builder h = NiftiTestFiles.header(1, 4, 16, 2, 2, 2);
        h.sclSlope = slope;
        h.sclInter = inter;
        ByteBuffer data = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        for (short raw = -3; raw <= 4; raw++) {
            data.putShort(raw);
        }
        return NiftiTestFiles.write(dir.resolve(name), h.build(), data.array(), false);
    }

    @Test
    void slopeAndInterceptAreAppliedAndRemembered() throws IOException {
        Volume v = ImageFiles.read(scaledInt16("s.nii", 0.5, -10));
        assertInstanceOf(FloatType.class, v.pixels().getType(), "16-bit data scales into floats");
        assertEquals(ImageDataType.INT16, v.storedType());
        assertEquals(new Volume.Scaling(0.5, -10), v.scaling());
        assertArrayEquals(new double[] { -11.5, -11, -10.5, -10, -9.5, -9, -8.5, -8 }, NiftiTestFiles.values(v), 0);
    }

    @Test
    void rewritingScaledDataGivesTheSameBytes() throws IOException {
        Path in = scaledInt16("in.nii", 0.1, 3.7); // values not exact in binary: quantising must round, not truncate
        Path out = dir.resolve("out.nii");
        ImageFiles.write(ImageFiles.read(in), out, false);
        assertArrayEquals(Files.readAllBytes(in), Files.readAllBytes(out));
    }

    @Test
    void changedValuesAreRequantisedToTheNearestStep() throws IOException {
        Volume v = ImageFiles.read(scaledInt16("q.nii", 0.5, -10));
        @SuppressWarnings("unchecked")
        RandomAccess<? extends RealType<?>> ra = v.pixels().randomAccess();
        ra.setPosition(new long[] { 0, 0, 0, 0 });
        ra.get().setReal(3.3); // raw (3.3 + 10) / 0.5 = 26.6 -> 27 -> 3.5
        ra.setPosition(new long[] { 1, 0, 0, 0 });
        ra.get().setReal(1e9); // beyond int16: clamps to 32767
        Path out = dir.resolve("q2.nii");
        ImageFiles.write(v, out, false);
        Volume back = ImageFiles.read(out);
        double[] values = NiftiTestFiles.values(back);
        assertEquals(3.5, values[0]);
        assertEquals(32767 * 0.5 - 10, values[1]);
        assertEquals(-10.5, values[2]);
    }

    @ParameterizedTest(name = "slope {0}, inter {1}")
    @CsvSource({ "0, 5", "NaN, 0", "Infinity, 0", "1, 0" })
    void noScalingWhenSlopeIsZeroNonFiniteOrIdentity(double slope, double inter) throws IOException {
        Path in = scaledInt16("n.nii", slope, inter);
        Volume v = ImageFiles.read(in);
        assertInstanceOf(ShortType.class, v.pixels().getType());
        assertTrue(v.scaling().isIdentity());
        assertEquals(-3, NiftiTestFiles.values(v)[0]);
        // the header's own way of saying "no scaling" is kept, and does not scale the written values
        Path out = dir.resolve("n2.nii");
        ImageFiles.write(v, out, false);
        assertArrayEquals(Files.readAllBytes(in), Files.readAllBytes(out));
    }

    @Test
    void interceptAloneScales() throws IOException {
        Volume v = ImageFiles.read(scaledInt16("i.nii", 1, 5));
        assertInstanceOf(FloatType.class, v.pixels().getType());
        assertEquals(2, NiftiTestFiles.values(v)[0]);
    }

    @ParameterizedTest(name = "datatype {0}")
    @CsvSource({ "2, 8, FloatType", "256, 8, FloatType", "512, 16, FloatType", "8, 32, DoubleType",
            "768, 32, DoubleType", "1024, 64, DoubleType", "16, 32, DoubleType", "64, 64, DoubleType" })
    void scaledTypeDependsOnStoredWidth(int datatype, int bitpix, String expected) throws IOException {
        NiftiHeader.Builder h = NiftiTestFiles.header(2, datatype, bitpix, 2, 1, 1);
        h.sclSlope = 2;
        h.sclInter = 1;
        ByteBuffer data = ByteBuffer.allocate(2 * bitpix / 8).order(ByteOrder.LITTLE_ENDIAN);
        // raw value 3 in the first voxel, whatever the type
        switch (datatype) {
            case 2, 256 -> data.put(0, (byte) 3);
            case 4, 512 -> data.putShort(0, (short) 3);
            case 8, 768 -> data.putInt(0, 3);
            case 1024 -> data.putLong(0, 3);
            case 16 -> data.putFloat(0, 3);
            default -> data.putDouble(0, 3);
        }
        Path f = NiftiTestFiles.write(dir.resolve("t" + datatype + ".nii"), h.build(), data.array(), false);
        Volume v = ImageFiles.read(f);
        assertEquals(expected, v.pixels().getType().getClass().getSimpleName());
        assertEquals(7, NiftiTestFiles.values(v)[0]);
        assertEquals(ImageDataType.fromNiftiCode(datatype), v.storedType());
        Path out = dir.resolve("t" + datatype + "-out.nii");
        ImageFiles.write(v, out, false);
        assertArrayEquals(Files.readAllBytes(f), Files.readAllBytes(out), "re-quantised exactly");
    }

    @Test
    void doubleValuesSurviveUint32Scaling() throws IOException {
        // 32-bit data is scaled into doubles: every raw value up to 2^32-1 must come back, which floats could not do
        NiftiHeader.Builder h = NiftiTestFiles.header(1, 768, 32, 2, 1, 1);
        h.sclSlope = 0.25f;
        h.sclInter = -1;
        ByteBuffer data = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(0, -1).putInt(4, 16777217);
        Path f = NiftiTestFiles.write(dir.resolve("u32.nii"), h.build(), data.array(), false);
        Volume v = ImageFiles.read(f);
        assertInstanceOf(DoubleType.class, v.pixels().getType());
        assertEquals(4294967295.0 * 0.25 - 1, NiftiTestFiles.values(v)[0]);
        Path out = dir.resolve("u32-out.nii");
        ImageFiles.write(v, out, false);
        assertArrayEquals(Files.readAllBytes(f), Files.readAllBytes(out));
    }
}
