package io.medseg.preprocessing;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.CRC32;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import io.medseg.MedSegException;
import io.medseg.dataset.DatasetCase;
import io.medseg.dataset.DatasetSplit;
import io.medseg.dataset.SegmentationDataset;
import io.medseg.image.Geometry;
import io.medseg.io.AtomicFiles;

/**
 * Preprocessed cases on disk in a form that loads at disk speed: no compression, no parsing of voxel data.
 *
 * <p>Layout, all little-endian:
 *
 * <pre>
 * 8 bytes   magic "MSEGCASE"
 * int32     format version (1)
 * int32     header length H
 * H bytes   UTF-8 JSON header: id, shape, channels, hasLabel, mapping (original shape, spatial dims, 4x4 affine,
 *           crop start/end, resampled shape)
 * float32   image, channels × voxels, first spatial axis fastest (the PreprocessedCase layout)
 * int16     labels, voxels (only when hasLabel)
 * int32     CRC-32 of everything after the magic
 * </pre>
 *
 * The JSON header keeps the mapping readable and extensible; doubles are written with Java's shortest round-trip
 * representation, so the geometry comes back bit for bit. Files are written atomically, and the size and checksum
 * are checked on reading, so a crashed run or a damaged disk never yields a half-read case.
 */
public final class CaseCache {
    /** File name ending of cached cases. */
    public static final String EXTENSION = ".mspc";
    static final byte[] MAGIC = "MSEGCASE".getBytes(StandardCharsets.US_ASCII);
    static final int VERSION = 1;
    private static final int CHUNK = 1 << 20;

    private CaseCache() {
    }

    /** The cache file of case {@code id} in {@code dir}. */
    public static Path fileFor(Path dir, String id) {
        return dir.resolve(id + EXTENSION);
    }

    /** Writes a case atomically, replacing an older file of the same name. */
    public static void write(PreprocessedCase c, Path file) {
        byte[] header = header(c).toString().getBytes(StandardCharsets.UTF_8);
        AtomicFiles.write(file, true, tmp -> {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                CRC32 crc = new CRC32();
                writeAll(ch, ByteBuffer.wrap(MAGIC), null);
                ByteBuffer prefix = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
                prefix.putInt(VERSION).putInt(header.length).flip();
                writeAll(ch, prefix, crc);
                writeAll(ch, ByteBuffer.wrap(header), crc);
                ByteBuffer buf = ByteBuffer.allocate(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
                float[] image = c.image();
                for (int at = 0; at < image.length; at += CHUNK / 4) {
                    int len = Math.min(CHUNK / 4, image.length - at);
                    buf.clear();
                    buf.asFloatBuffer().put(image, at, len);
                    buf.limit(len * 4);
                    writeAll(ch, buf, crc);
                }
                short[] label = c.label();
                if (label != null) {
                    for (int at = 0; at < label.length; at += CHUNK / 2) {
                        int len = Math.min(CHUNK / 2, label.length - at);
                        buf.clear();
                        buf.asShortBuffer().put(label, at, len);
                        buf.limit(len * 2);
                        writeAll(ch, buf, crc);
                    }
                }
                ByteBuffer tail = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
                tail.putInt((int) crc.getValue()).flip();
                writeAll(ch, tail, null);
            }
        });
    }

    private static void writeAll(FileChannel ch, ByteBuffer b, CRC32 crc) throws IOException {
        if (crc != null) {
            crc.update(b.duplicate());
        }
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    /** Reads a case written by {@link #write}; any damage gives a one-line {@link MedSegException} naming the file. */
    public static PreprocessedCase read(Path file) {
        ByteBuffer all;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size > Integer.MAX_VALUE - 8) {
                throw new MedSegException(file + ": cached case too large (" + size + " bytes)");
            }
            all = ByteBuffer.allocate((int) size).order(ByteOrder.LITTLE_ENDIAN);
            while (all.hasRemaining() && ch.read(all) >= 0) {
                // keep reading until full or end of file
            }
            all.flip();
        } catch (NoSuchFileException e) {
            throw new MedSegException(file + ": no such cached case");
        } catch (IOException e) {
            throw new MedSegException(file + ": cannot read (" + AtomicFiles.describe(e) + ")", e);
        }
        if (all.remaining() < MAGIC.length + 12) {
            throw new MedSegException(file + ": not a MedSeg cached case (too short)");
        }
        for (byte m : MAGIC) {
            if (all.get() != m) {
                throw new MedSegException(file + ": not a MedSeg cached case (wrong magic)");
            }
        }
        int version = all.getInt();
        if (version != VERSION) {
            throw new MedSegException(file + ": cached case format version " + version + ", this program reads "
                    + VERSION + "; preprocess again");
        }
        int headerLength = all.getInt();
        if (headerLength <= 0 || headerLength > all.remaining() - 4) {
            throw new MedSegException(file + ": damaged cached case (header length " + headerLength + ")");
        }
        // check the checksum before trusting anything the header says
        CRC32 crc = new CRC32();
        crc.update(all.duplicate().position(MAGIC.length).limit(all.limit() - 4));
        int stored = all.getInt(all.limit() - 4);
        if (stored != (int) crc.getValue()) {
            throw new MedSegException(file + ": damaged cached case (checksum mismatch); preprocess again");
        }
        byte[] headerBytes = new byte[headerLength];
        all.get(headerBytes);
        Header h;
        try {
            h = parseHeader(JsonParser.parseString(new String(headerBytes, StandardCharsets.UTF_8)).getAsJsonObject());
        } catch (RuntimeException e) {
            throw new MedSegException(file + ": damaged cached case (unreadable header: " + e.getMessage() + ")");
        }
        long voxels;
        long expected;
        try {
            voxels = Resampler.voxels(h.shape);
            expected = Math.addExact(Math.multiplyExact(Math.multiplyExact(voxels, h.channels), 4L),
                    h.hasLabel ? Math.multiplyExact(voxels, 2L) : 0L);
        } catch (ArithmeticException e) {
            throw new MedSegException(file + ": damaged cached case (impossible shape in header)");
        }
        if (all.remaining() - 4 != expected) {
            throw new MedSegException(file + ": damaged cached case (" + (all.remaining() - 4)
                    + " bytes of voxel data, expected " + expected + ")");
        }
        float[] image = new float[(int) (h.channels * voxels)];
        all.asFloatBuffer().get(image);
        all.position(all.position() + image.length * 4);
        short[] label = null;
        if (h.hasLabel) {
            label = new short[(int) voxels];
            all.asShortBuffer().get(label);
        }
        return new PreprocessedCase(h.id, h.shape, image, label, h.mapping);
    }

    /**
     * Preprocesses every training case with a label and writes it to {@code dir}, a few cases at a time (each case
     * is itself multithreaded in resampling, so two workers keep the cores busy without holding many cases in
     * memory). Returns the files written, in case order.
     */
    public static List<Path> writeAll(SegmentationDataset dataset, PreprocessingPlan plan, Path dir) {
        List<DatasetCase> cases = dataset.cases(DatasetSplit.TRAIN).stream().filter(DatasetCase::hasLabel).toList();
        int workers = Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors()));
        ExecutorService pool = Executors.newFixedThreadPool(workers);
        try {
            List<Future<Path>> futures = new ArrayList<>();
            for (DatasetCase c : cases) {
                futures.add(pool.submit(() -> {
                    Path target = fileFor(dir, c.id());
                    write(Preprocessor.preprocess(c, plan), target);
                    return target;
                }));
            }
            List<Path> written = new ArrayList<>();
            for (Future<Path> f : futures) {
                written.add(f.get());
            }
            return written;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new MedSegException("preprocessing failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MedSegException("preprocessing interrupted");
        } finally {
            pool.shutdownNow();
        }
    }

    private record Header(String id, long[] shape, int channels, boolean hasLabel, CaseMapping mapping) {
    }

    private static JsonObject header(PreprocessedCase c) {
        JsonObject o = new JsonObject();
        o.addProperty("id", c.id());
        o.add("shape", longs(c.shape()));
        o.addProperty("channels", c.channels());
        o.addProperty("hasLabel", c.label() != null);
        CaseMapping m = c.mapping();
        JsonObject mo = new JsonObject();
        mo.add("originalShape", longs(m.originalShape()));
        mo.addProperty("spatialDims", m.originalGeometry().spatialDims());
        JsonArray affine = new JsonArray();
        for (double[] row : m.originalGeometry().affine()) {
            JsonArray r = new JsonArray();
            for (double v : row) {
                r.add(v);
            }
            affine.add(r);
        }
        mo.add("affine", affine);
        mo.add("cropStart", longs(m.cropBox().start()));
        mo.add("cropEnd", longs(m.cropBox().end()));
        mo.add("resampledShape", longs(m.resampledShape()));
        o.add("mapping", mo);
        return o;
    }

    private static Header parseHeader(JsonObject o) {
        JsonObject m = o.getAsJsonObject("mapping");
        JsonArray rows = m.getAsJsonArray("affine");
        double[][] affine = new double[rows.size()][];
        for (int r = 0; r < affine.length; r++) {
            JsonArray row = rows.get(r).getAsJsonArray();
            affine[r] = new double[row.size()];
            for (int c = 0; c < affine[r].length; c++) {
                affine[r][c] = row.get(c).getAsDouble();
            }
        }
        Geometry g = Geometry.ofAffine(m.get("spatialDims").getAsInt(), affine);
        CaseMapping mapping = new CaseMapping(longs(m.get("originalShape")), g,
                new CropBox(longs(m.get("cropStart")), longs(m.get("cropEnd"))), longs(m.get("resampledShape")));
        int channels = o.get("channels").getAsInt();
        long[] shape = longs(o.get("shape"));
        if (channels <= 0 || shape.length != g.spatialDims() || Arrays.stream(shape).anyMatch(x -> x <= 0)) {
            throw new IllegalArgumentException("bad channels or shape");
        }
        return new Header(o.get("id").getAsString(), shape, channels, o.get("hasLabel").getAsBoolean(), mapping);
    }

    private static JsonArray longs(long[] v) {
        JsonArray a = new JsonArray();
        for (long x : v) {
            a.add(x);
        }
        return a;
    }

    private static long[] longs(JsonElement e) {
        JsonArray a = e.getAsJsonArray();
        long[] v = new long[a.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = a.get(i).getAsLong();
            if (v[i] < 0) {
                throw new IllegalArgumentException("negative size or index");
            }
        }
        return v;
    }
}
