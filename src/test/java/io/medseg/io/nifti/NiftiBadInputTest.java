package io.medseg.io.nifti;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.medseg.MedSegException;
import io.medseg.image.Geometry;
import io.medseg.image.ImageDataType;
import io.medseg.image.Volume;
import io.medseg.io.ImageFiles;
import net.imglib2.view.Views;

/** Every way a NIfTI file can be broken gives a one-line {@link MedSegException} naming the file and the problem. */
class NiftiBadInputTest {
    @TempDir
    Path dir;

    private static void assertFails(Path file, String phrase) {
        MedSegException e = assertThrows(MedSegException.class, () -> ImageFiles.read(file));
        assertMessage(e, file, phrase);
    }

    private static void assertMessage(MedSegException e, Path file, String phrase) {
        String m = e.getMessage();
        assertTrue(m.contains(file.getFileName().toString()), "names the file: " + m);
        assertTrue(m.contains(phrase), "says '" + phrase + "': " + m);
        assertFalse(m.contains("\n"), "one line: " + m);
    }

    private Path file(String name, NiftiHeader.Builder h, int dataBytes) throws IOException {
        return NiftiTestFiles.write(dir.resolve(name), h.build(), new byte[dataBytes], name.endsWith(".gz"));
    }

    private static NiftiHeader.Builder int16(int version, long... shape) {
        return NiftiTestFiles.header(version, 4, 16, shape);
    }

    @Test
    void missingFile() {
        Path f = dir.resolve("absent.nii");
        assertFails(f, "no such file");
        assertMessage(assertThrows(MedSegException.class, () -> NiftiReader.read(f)), f, "no such file");
    }

    @Test
    void directory() throws IOException {
        Path d = Files.createDirectory(dir.resolve("folder.nii"));
        assertMessage(assertThrows(MedSegException.class, () -> NiftiReader.read(d)), d, "directory");
    }

    @Test
    void emptyAndTruncatedHeaders() throws IOException {
        assertFails(NiftiTestFiles.write(dir.resolve("empty.nii"), new byte[0], false), "truncated header");
        byte[] full = int16(1, 2, 2, 2).build().toBytes();
        assertFails(NiftiTestFiles.write(dir.resolve("short.nii"), Arrays.copyOf(full, 200), false),
                "truncated header (200 of 348 bytes");
        byte[] full2 = int16(2, 2, 2, 2).build().toBytes();
        assertFails(NiftiTestFiles.write(dir.resolve("short2.nii.gz"), Arrays.copyOf(full2, 400), true),
                "truncated header (400 of 540 bytes");
    }

    @Test
    void badSizeofHdr() throws IOException {
        byte[] bytes = int16(1, 2, 2, 2).build().toBytes();
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(0, 1234);
        assertFails(NiftiTestFiles.write(dir.resolve("size.nii"), bytes, false), "sizeof_hdr is 1234");
        assertFails(NiftiTestFiles.write(dir.resolve("text.nii"), "hello world, not an image".getBytes(), false),
                "not a NIfTI-1/NIfTI-2 file");
    }

    @Test
    void badMagic() throws IOException {
        byte[] v1 = int16(1, 2, 2, 2).build().toBytes();
        v1[345] = 'x';
        Path f1 = NiftiTestFiles.write(dir.resolve("magic1.nii"), concat(v1, new byte[4 + 16]), false);
        assertFails(f1, "not a NIfTI-1/NIfTI-2 file (bad magic)");
        byte[] v2 = int16(2, 2, 2, 2).build().toBytes();
        v2[8] = '\n'; // a text-mode transfer turned \r\n into \n\n: the check NIfTI-2's magic exists for
        assertFails(NiftiTestFiles.write(dir.resolve("magic2.nii"), concat(v2, new byte[4 + 16]), false),
                "bad magic");
        byte[] pair = int16(1, 2, 2, 2).build().toBytes();
        pair[345] = 'i';
        assertFails(NiftiTestFiles.write(dir.resolve("pair.hdr.nii"), pair, false), "two-file");
    }

    @Test
    void corruptGzip() throws IOException {
        // random voxels do not compress, so a flipped byte in the middle changes data, not the deflate structure:
        // only the CRC in the trailer can tell, which the reader must therefore check
        byte[] voxels = new byte[4096];
        new java.util.Random(3).nextBytes(voxels);
        Path good = NiftiTestFiles.write(dir.resolve("good.nii.gz"), int16(1, 16, 16, 8).build(), voxels, true);
        ImageFiles.read(good);
        byte[] bad = Files.readAllBytes(good);
        bad[bad.length / 2] ^= 0x5a;
        assertFails(NiftiTestFiles.write(dir.resolve("bad.nii.gz"), bad, false), "corrupt gzip stream");
        byte[] method = { 0x1f, (byte) 0x8b, 0x07, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8 };
        assertFails(NiftiTestFiles.write(dir.resolve("method.nii"), method, false), "corrupt gzip stream");
    }

    @Test
    void gzipCutShort() throws IOException {
        byte[] good = Files.readAllBytes(file("cut.nii.gz", int16(1, 64, 64, 8), 65536));
        // the trailer is gone, so only the early end of the deflate stream can tell
        assertFails(NiftiTestFiles.write(dir.resolve("cut2.nii.gz"), Arrays.copyOf(good, good.length / 2), false),
                "truncated");
    }

    @ParameterizedTest
    @CsvSource({ "32, complex64", "2304, rgba32", "1536, float128", "1792, complex128", "1, binary", "999, 999" })
    void unsupportedDatatypes(int code, String name) throws IOException {
        NiftiHeader.Builder h = NiftiTestFiles.header(1, code, 8, 2, 2, 2);
        assertFails(file("dt" + code + ".nii", h, 64), "unsupported NIfTI datatype " + code);
        assertFails(file("dt" + code + "b.nii", h, 64), name);
    }

    @Test
    void bitpixMustMatchDatatype() throws IOException {
        NiftiHeader.Builder h = NiftiTestFiles.header(1, 4, 8, 2, 2, 2);
        assertFails(file("bitpix.nii", h, 16), "bitpix 8 does not match datatype 4");
    }

    @Test
    void dimZeroOutOfRange() throws IOException {
        NiftiHeader.Builder h = int16(1, 2, 2, 2);
        h.dim[0] = 0;
        assertFails(file("dim0.nii", h, 16), "dim[0] is 0");
        h.dim[0] = 8;
        assertFails(file("dim8.nii", h, 16), "dim[0] is 8");
        h.dim[0] = -3;
        assertFails(file("dimneg.nii", h, 16), "dim[0] is -3");
    }

    @Test
    void nonPositiveDimensions() throws IOException {
        assertFails(file("zero.nii", int16(1, 2, 0, 2), 16), "dim[2] is 0");
        assertFails(file("neg.nii", int16(2, 2, 2, -5), 16), "dim[3] is -5");
        assertFails(file("neg4.nii", int16(1, 2, 2, 2, -1), 16), "dim[4] is -1");
    }

    @Test
    void absurdDimensionsAreRejectedBeforeAllocating() throws IOException {
        // 30000^3 voxels: larger than any array; must fail fast, not with OutOfMemoryError
        assertFails(file("huge1.nii", int16(1, 30000, 30000, 30000), 16), "image too large");
        // NIfTI-2 64-bit dimensions whose product overflows a long
        assertFails(file("huge2.nii.gz", int16(2, 1L << 40, 1L << 40, 1L << 40), 16), "image too large");
    }

    @Test
    void dataShorterThanHeaderSays() throws IOException {
        // 2,000,000 bytes promised, 10 present: rejected from the file size, before allocating 2 MB
        assertFails(file("short.nii", int16(1, 100, 100, 100), 10),
                "truncated: header needs 2000000 bytes of voxel data, file has 10");
        assertFails(file("short.nii.gz", int16(1, 100, 100, 100), 10),
                "truncated: header needs 2000000 bytes of voxel data, file has 10");
        assertFails(file("short2.nii", int16(2, 3, 3, 3), 53), "header needs 54 bytes of voxel data, file has 53");
    }

    @Test
    void gzipWithLyingTrailerIsCaughtWhileReading() throws IOException {
        // the ISIZE trailer claims enough data but the stream ends early: found by the early-EOF check
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        raw.write(int16(1, 10, 10, 10).build().toBytes());
        raw.write(new byte[4 + 100]);
        Path f = NiftiTestFiles.write(dir.resolve("liar.nii.gz"), raw.toByteArray(), true);
        byte[] gz = Files.readAllBytes(f);
        ByteBuffer.wrap(gz).order(ByteOrder.LITTLE_ENDIAN).putInt(gz.length - 4, 352 + 2000);
        Files.write(f, gz);
        MedSegException e = assertThrows(MedSegException.class, () -> ImageFiles.read(f));
        assertTrue(e.getMessage().contains("truncated") || e.getMessage().contains("corrupt gzip"), e.getMessage());
        assertMessage(e, f, "liar.nii.gz");
    }

    @Test
    void voxOffsetInsideHeader() throws IOException {
        NiftiHeader.Builder h = int16(1, 2, 2, 2);
        h.voxOffset = 100;
        assertFails(file("offset.nii", h, 16), "vox_offset 100 is invalid");
    }

    @Test
    void failedWritesLeaveNothingBehind() throws IOException {
        Path out = Files.createDirectory(dir.resolve("out"));
        Volume empty = Volume.of(Views.interval(ImageDataType.UINT8.createImg(4, 1, 3, 1), new long[] { 0, 0, 0, 0 },
                new long[] { 3, -1, 2, 0 }), Geometry.identity(3));
        Path target = out.resolve("empty.nii.gz");
        assertMessage(assertThrows(MedSegException.class, () -> ImageFiles.write(empty, target, false)), target,
                "empty image");
        double[][] nan = Geometry.identity(3).affine();
        nan[0][3] = Double.NaN;
        Volume badGeometry = Volume.of(ImageDataType.UINT8.createImg(2, 2, 2, 1), Geometry.ofAffine(3, nan));
        Path target2 = out.resolve("nan.nii");
        assertMessage(assertThrows(MedSegException.class, () -> ImageFiles.write(badGeometry, target2, false)),
                target2, "non-finite");
        try (Stream<Path> left = Files.list(out)) {
            assertEquals(0, left.count(), "no file and no temporary file");
        }
    }

    @Test
    void nifti1CannotHoldLongAxes() {
        Volume v = Volume.of(ImageDataType.UINT8.createImg(40000, 2, 1), Geometry.identity(2));
        MedSegException e = assertThrows(MedSegException.class,
                () -> NiftiWriter.write(v, new ByteArrayOutputStream(), 1));
        assertTrue(e.getMessage().contains("NIfTI-1 allows at most 32767"), e.getMessage());
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
