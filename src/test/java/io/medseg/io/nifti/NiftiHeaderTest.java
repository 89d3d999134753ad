package io.medseg.io.nifti;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.medseg.image.Geometry;
import io.medseg.image.Volume;
import io.medseg.io.ImageFiles;

/** Header encoding at the standard's byte offsets, both byte orders, and verbatim copying on rewrite. */
class NiftiHeaderTest {
    @TempDir
    Path dir;

    /**
     * A big-endian NIfTI-1 file assembled field by field at the offsets of nifti1.h, independently of
     * {@link NiftiHeader}: int16 3x2x2, LAS sform, qform code 0.
     */
    private static byte[] handBuiltBigEndian() {
        ByteBuffer b = ByteBuffer.allocate(352 + 24).order(ByteOrder.BIG_ENDIAN);
        b.putInt(0, 348);
        b.put(38, (byte) 'r');
        short[] dim = { 3, 3, 2, 2, 1, 1, 1, 1 };
        float[] pixdim = { 1, 2, 3, 4, 1, 1, 1, 1 };
        for (int i = 0; i < 8; i++) {
            b.putShort(40 + 2 * i, dim[i]);
            b.putFloat(76 + 4 * i, pixdim[i]);
        }
        b.putShort(70, (short) 4); // datatype int16
        b.putShort(72, (short) 16); // bitpix
        b.putFloat(108, 352); // vox_offset
        b.put(123, (byte) 10); // mm + s
        byte[] descrip = "hand built".getBytes(StandardCharsets.US_ASCII);
        b.put(148, descrip);
        b.putShort(254, (short) 2); // sform_code aligned
        float[][] srow = { { -2, 0, 0, 90 }, { 0, 3, 0, -126 }, { 0, 0, 4, -72 } };
        for (int r = 0; r < 3; r++) {
            for (int c = 0; c < 4; c++) {
                b.putFloat(280 + 16 * r + 4 * c, srow[r][c]);
            }
        }
        b.put(344, new byte[] { 'n', '+', '1', 0 });
        for (int i = 0; i < 12; i++) {
            b.putShort(352 + 2 * i, (short) (i * 1000 - 5000));
        }
        return b.array();
    }

    @Test
    void bigEndianFileIsReadAndWrittenBackBigEndian() throws IOException {
        Path in = dir.resolve("be.nii");
        Files.write(in, handBuiltBigEndian());
        Volume v = ImageFiles.read(in);
        NiftiHeader h = (NiftiHeader) v.sourceHeader().orElseThrow();
        assertEquals(ByteOrder.BIG_ENDIAN, h.byteOrder());
        assertEquals("hand built", h.descrip());
        assertArrayEquals(new long[] { 3, 2, 2 }, v.shape());
        double[] values = NiftiTestFiles.values(v);
        for (int i = 0; i < 12; i++) {
            assertEquals(i * 1000 - 5000, values[i]);
        }
        NiftiTestFiles.assertAffine(new double[][] { { -2, 0, 0, 90 }, { 0, 3, 0, -126 }, { 0, 0, 4, -72 },
                { 0, 0, 0, 1 } }, v.geometry().affine(), 0);
        Path out = dir.resolve("be-out.nii.gz");
        ImageFiles.write(v, out, false);
        assertArrayEquals(handBuiltBigEndian(), NiftiRoundTripTest.gunzip(out), "same bytes, byte order kept");
    }

    @Test
    void writerPutsFieldsAtTheStandardOffsets() throws IOException {
        Volume v = Volume.of(io.medseg.image.ImageDataType.FLOAT32.createImg(3, 2, 2, 1),
                Geometry.of(new double[] { 2, 3, 4 }, new double[] { 5, 6, 7 }, null));
        Path f = dir.resolve("o.nii");
        ImageFiles.write(v, f, false);
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(f)).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(352 + 12 * 4, b.capacity());
        assertEquals(348, b.getInt(0));
        assertEquals(3, b.getShort(40));
        assertEquals(16, b.getShort(70));
        assertEquals(32, b.getShort(72));
        assertEquals(2f, b.getFloat(80)); // pixdim[1]
        assertEquals(352f, b.getFloat(108));
        assertEquals(10, b.get(123));
        assertEquals(1, b.getShort(252));
        assertEquals(1, b.getShort(254));
        assertEquals(5f, b.getFloat(268)); // qoffset_x
        assertEquals(7f, b.getFloat(312 + 12)); // srow_z[3]
        assertArrayEquals(new byte[] { 'n', '+', '1', 0 }, Arrays.copyOfRange(b.array(), 344, 348));
        assertEquals(0, b.getInt(348), "extension flag");
    }

    @ParameterizedTest
    @ValueSource(ints = { 1, 2 })
    void parseInvertsSerialiseInBothByteOrders(int version) {
        NiftiHeader.Builder b = NiftiTestFiles.header(version, 512, 16, 4, 5, 6, 2);
        b.dimInfo = 0x39;
        b.intentCode = 1007;
        b.intentP1 = 1.5;
        b.intentP2 = -2;
        b.intentP3 = 3.25;
        b.intentName = "vectors";
        b.sliceStart = 1;
        b.sliceEnd = 4;
        b.sliceCode = 3;
        b.sliceDuration = 0.125;
        b.toffset = 2.5;
        b.calMin = -10;
        b.calMax = 250;
        b.sclSlope = 0.5;
        b.sclInter = 7;
        b.xyztUnits = 2 | 16;
        b.descrip = "a description with 80 characters at most";
        b.auxFile = "aux.txt";
        b.qformCode = 4;
        b.sformCode = 3;
        b.quaternB = 0.25;
        b.quaternC = -0.5;
        b.quaternD = 0.125;
        b.qoffsetX = -1;
        b.qoffsetY = 2;
        b.qoffsetZ = -3;
        b.pixdim = new double[] { -1, 0.5, 0.75, 1.25, 2, 1, 1, 1 };
        b.srowX = new double[] { 1, 2, 3, 4 };
        b.srowY = new double[] { 5, 6, 7, 8 };
        b.srowZ = new double[] { 9, 10, 11, 12 };
        for (ByteOrder order : new ByteOrder[] { ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN }) {
            NiftiHeader h = b.byteOrder(order).build();
            byte[] bytes = h.toBytes();
            assertEquals(NiftiHeader.headerSize(version), bytes.length);
            assertEquals(order, NiftiHeader.detectByteOrder(bytes));
            assertEquals(version, NiftiHeader.versionOf(bytes, order));
            assertEquals(NiftiHeader.Magic.SINGLE_FILE, NiftiHeader.magic(bytes, version));
            NiftiHeader back = NiftiHeader.parse(bytes, version, order);
            assertEquals(h, back);
            assertEquals("vectors", back.intentName());
            assertEquals(0x39, back.dimInfo());
            assertEquals(0.125, back.quaternD());
            assertArrayEquals(h.srowZ(), back.srowZ());
        }
        assertNotEquals(b.byteOrder(ByteOrder.LITTLE_ENDIAN).build(), b.byteOrder(ByteOrder.BIG_ENDIAN).build());
    }

    @Test
    void unchangedGeometryKeepsTheSourceHeaderVerbatim() throws IOException, URISyntaxException {
        // nibabel wrote this with sform_code 2 and a different qform (code 1): both must survive as they are
        Path fixture = Path.of(getClass().getResource("fixtures/int16_las_sform_qform.nii").toURI());
        Volume v = ImageFiles.read(fixture);
        NiftiHeader source = (NiftiHeader) v.sourceHeader().orElseThrow();
        Path out = dir.resolve("copy.nii");
        ImageFiles.write(v, out, false);
        NiftiHeader written = (NiftiHeader) ImageFiles.read(out).sourceHeader().orElseThrow();
        assertEquals(source, written);
        assertEquals(2, written.sformCode());
        assertEquals(1, written.qformCode());
        byte[] a = Files.readAllBytes(fixture), b = Files.readAllBytes(out);
        assertArrayEquals(Arrays.copyOfRange(a, 352, a.length), Arrays.copyOfRange(b, 352, b.length), "voxels");
    }

    @Test
    void everyNibabelFixtureIsRewrittenWithTheSameHeaderAndVoxelBytes() throws IOException, URISyntaxException {
        Path fixtures = Path.of(getClass().getResource("fixtures/expected.json").toURI()).getParent();
        int checked = 0;
        try (java.util.stream.Stream<Path> files = Files.list(fixtures)) {
            for (Path f : (Iterable<Path>) files.filter(p -> p.toString().matches(".*\\.nii(\\.gz)?$"))::iterator) {
                Volume v = ImageFiles.read(f);
                Path out = dir.resolve("re-" + f.getFileName());
                ImageFiles.write(v, out, false);
                NiftiHeader source = (NiftiHeader) v.sourceHeader().orElseThrow();
                assertEquals(source, ImageFiles.read(out).sourceHeader().orElseThrow(), f.getFileName().toString());
                byte[] a = content(f), b = content(out);
                int offset = (int) source.voxOffset();
                assertArrayEquals(Arrays.copyOfRange(a, offset, a.length), Arrays.copyOfRange(b, offset, b.length),
                        "voxels of " + f.getFileName());
                checked++;
            }
        }
        assertEquals(10, checked);
    }

    private static byte[] content(Path f) throws IOException {
        return f.toString().endsWith(".gz") ? NiftiRoundTripTest.gunzip(f) : Files.readAllBytes(f);
    }

    @Test
    void descriptiveFieldsSurviveARoundTrip() throws IOException {
        NiftiHeader.Builder b = NiftiTestFiles.header(2, 2, 8, 2, 2, 2);
        b.intentCode = 1002; // NIFTI_INTENT_LABEL
        b.intentName = "labels";
        b.descrip = "segmentation";
        b.auxFile = "lut.txt";
        b.calMin = 0;
        b.calMax = 5;
        b.toffset = 1.5;
        b.xyztUnits = 2 | 8;
        b.qformCode = 1;
        b.quaternD = 1; // LPS-style half turn
        b.pixdim = new double[] { 1, 0.5, 0.5, 2, 1, 1, 1, 1 };
        b.byteOrder(ByteOrder.BIG_ENDIAN);
        Path in = NiftiTestFiles.write(dir.resolve("l.nii"), b.build(), new byte[8], false);
        Path out = dir.resolve("l2.nii");
        ImageFiles.write(ImageFiles.read(in), out, false);
        assertArrayEquals(Files.readAllBytes(in), Files.readAllBytes(out));
    }

    @Test
    void changedGeometryGetsAFreshHeader() throws IOException, URISyntaxException {
        Path fixture = Path.of(getClass().getResource("fixtures/int16_las_sform_qform.nii").toURI());
        Volume v = ImageFiles.read(fixture);
        double[][] moved = v.geometry().affine();
        moved[0][3] += 10;
        Path out = dir.resolve("moved.nii");
        ImageFiles.write(v.withGeometry(Geometry.ofAffine(3, moved)), out, false);
        Volume back = ImageFiles.read(out);
        NiftiHeader h = (NiftiHeader) back.sourceHeader().orElseThrow();
        assertEquals(1, h.sformCode());
        assertEquals(1, h.qformCode());
        assertEquals(10, h.xyztUnits());
        NiftiTestFiles.assertAffine(moved, back.geometry().affine(), 1e-5);
        NiftiTestFiles.assertAffine(moved, NiftiAffine.qform(h).toAffine(), 1e-5);
    }
}
