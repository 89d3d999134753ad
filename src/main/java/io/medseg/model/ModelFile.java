package io.medseg.model;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.zip.CRC32;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.Strictness;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import io.medseg.MedSegException;
import io.medseg.io.AtomicFiles;
import io.medseg.nn.networks.NetworkConfig;
import io.medseg.nn.networks.Networks;
import io.medseg.preprocessing.PlanFiles;

/**
 * The MedSeg model file: architecture config, weights and metadata in one versioned file.
 *
 * <pre>
 * 8 bytes   magic "MEDSEGM\n"
 * 4 bytes   format version (big-endian int), currently 1
 * 4 bytes   header length H (big-endian int)
 * H bytes   UTF-8 JSON header: config, metadata (with the preprocessing plan), parameter table (name, shape, offset,
 *           count), optional training-state table and training-state JSON, CRC-32 of everything after the header
 * rest      the parameters, then the training-state arrays, as little-endian float32, in table order
 * </pre>
 *
 * A training checkpoint is a model file with a training state: the optimiser's buffers as extra arrays and the loop's
 * position (epoch, iteration, history, settings) as JSON, so weights and state are replaced together in one atomic
 * rename. Prediction ignores the training state.
 *
 * Loading reads plain data only: the JSON is parsed into records, the weights into float arrays, and the network is
 * rebuilt from the config by MedSeg's own code. Nothing is deserialised as Java objects and nothing in the file is
 * run. Every check (magic, version, header, parameter names and shapes against the rebuilt network, length, CRC)
 * fails with a one-line message naming the file.
 */
public final class ModelFile {
    static final byte[] MAGIC = "MEDSEGM\n".getBytes(StandardCharsets.US_ASCII);
    public static final int FORMAT_VERSION = 1;
    /** A header larger than this is not a model header (guards allocation on foreign files). */
    static final int MAX_HEADER_BYTES = 16 << 20;

    /** Strict JSON: gson's default leniency would accept comments and stray characters in a damaged header. */
    private static final Gson GSON = PlanFiles.withPlanAdapters(new GsonBuilder().setPrettyPrinting()
            .setStrictness(Strictness.STRICT)).create();

    private ModelFile() {
    }

    /**
     * A model read from a file: its config, metadata, the rebuilt network with the stored weights and, for a
     * checkpoint, the training state (arrays on the loading manager; empty map and null JSON for a plain model).
     */
    public record Loaded(NetworkConfig config, ModelMetadata metadata, Block network, Map<String, NDArray> state,
            JsonElement training) {
    }

    /**
     * What a checkpoint stores besides the model: named arrays (optimiser buffers) and the training loop's position
     * as JSON.
     */
    public record TrainingState(Map<String, NDArray> arrays, JsonElement json) {
    }

    /** One parameter's place in the weights section. */
    public record Entry(String name, long[] shape, long offset, long count) {
    }

    /** The JSON header. */
    public record Header(int formatVersion, NetworkConfig config, ModelMetadata metadata, List<Entry> parameters,
            long weightsCrc32, List<Entry> state, JsonElement training) {
    }

    /** Writes a model atomically; refuses to replace an existing file unless {@code overwrite}. */
    public static void save(Path path, NetworkConfig config, ModelMetadata metadata, Block network, boolean overwrite) {
        save(path, config, metadata, network, null, overwrite);
    }

    /**
     * Writes a model, or with a non-null {@code training} a checkpoint, atomically; refuses to replace an existing
     * file unless {@code overwrite}.
     */
    public static void save(Path path, NetworkConfig config, ModelMetadata metadata, Block network,
            TrainingState training, boolean overwrite) {
        List<Entry> entries = new ArrayList<>();
        List<float[]> values = new ArrayList<>();
        CRC32 crc = new CRC32();
        long offset = 0;
        for (Pair<String, Parameter> p : network.getParameters()) {
            offset = append(p.getKey(), p.getValue().getArray(), offset, entries, values, crc);
        }
        List<Entry> stateEntries = new ArrayList<>();
        if (training != null) {
            for (Map.Entry<String, NDArray> e : training.arrays().entrySet()) {
                offset = append(e.getKey(), e.getValue(), offset, stateEntries, values, crc);
            }
        }
        byte[] header = GSON.toJson(new Header(FORMAT_VERSION, config, metadata, entries, crc.getValue(),
                training == null ? null : stateEntries, training == null ? null : training.json()))
                .getBytes(StandardCharsets.UTF_8);
        AtomicFiles.write(path, overwrite, tmp -> {
            try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16))) {
                writeHeader(out, header);
                for (float[] v : values) {
                    out.write(littleEndian(v));
                }
            }
        });
    }

    /** Magic, format version, header length and the JSON header: everything before the arrays. */
    private static void writeHeader(DataOutputStream out, byte[] header) throws IOException {
        out.write(MAGIC);
        out.writeInt(FORMAT_VERSION);
        out.writeInt(header.length);
        out.write(header);
    }

    private static long append(String name, NDArray a, long offset, List<Entry> entries, List<float[]> values,
            CRC32 crc) {
        float[] v = a.toType(DataType.FLOAT32, false).toFloatArray();
        entries.add(new Entry(name, a.getShape().getShape(), offset, v.length));
        values.add(v);
        crc.update(littleEndian(v));
        return offset + v.length;
    }

    /**
     * Replaces a model file's metadata, keeping its config, weights and training state byte for byte (the checksum
     * covers those only), atomically: what training does once the final validation has decided the postprocessing.
     */
    public static void replaceMetadata(Path path, ModelMetadata metadata) {
        Header old = readHeader(path);
        byte[] header = GSON.toJson(new Header(FORMAT_VERSION, old.config(), metadata, old.parameters(),
                old.weightsCrc32(), old.state(), old.training())).getBytes(StandardCharsets.UTF_8);
        AtomicFiles.write(path, true, tmp -> {
            try (DataInputStream in = open(path);
                    DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp),
                            1 << 16))) {
                header(in, path);
                writeHeader(out, header);
                in.transferTo(out);
            }
        });
    }

    /** Reads only the config and metadata (cheap: no weights), e.g. to configure downstream steps. */
    public static Header readHeader(Path path) {
        try (DataInputStream in = open(path)) {
            return header(in, path);
        } catch (IOException e) {
            throw new MedSegException(path + ": cannot read model file (" + AtomicFiles.describe(e) + ")", e);
        }
    }

    /**
     * Reads a model and rebuilds its network with MedSeg's network factory, for the patch size stored in its metadata
     * (networks with channel-token layers are tied to it).
     */
    public static Loaded load(Path path, NDManager manager) {
        Header h = readHeader(path);
        long[] patch = h.metadata().patchSize();
        if (patch.length != h.config().dims()) {
            throw new MedSegException(path + ": damaged model header (patch size " + java.util.Arrays.toString(patch)
                    + " does not fit a " + h.config().dims() + "D model)");
        }
        return load(path, manager, c -> Networks.build(c, patch), c -> Networks.inputShape(c, patch));
    }

    /**
     * Reads a model and rebuilds its network with {@code factory} (config → uninitialised block); the block is
     * initialised with {@code initShape} on {@code manager} and its parameters are replaced by the stored ones.
     */
    public static Loaded load(Path path, NDManager manager, Function<NetworkConfig, Block> factory,
            Function<NetworkConfig, Shape> initShape) {
        try (DataInputStream in = open(path)) {
            Header h = header(in, path);
            Block network = factory.apply(h.config());
            network.initialize(manager, DataType.FLOAT32, initShape.apply(h.config()));
            Map<String, Parameter> params = new LinkedHashMap<>();
            for (Pair<String, Parameter> p : network.getParameters()) {
                params.put(p.getKey(), p.getValue());
            }
            if (params.size() != h.parameters().size()) {
                throw new MedSegException(path + ": holds " + h.parameters().size() + " parameters but a "
                        + h.config().architecture() + " with this config has " + params.size());
            }
            CRC32 crc = new CRC32();
            for (Entry e : h.parameters()) {
                Parameter p = params.get(e.name());
                if (p == null) {
                    throw new MedSegException(path + ": parameter '" + e.name() + "' does not belong to a "
                            + h.config().architecture());
                }
                Shape expected = p.getArray().getShape();
                if (!expected.equals(new Shape(e.shape()))) {
                    throw new MedSegException(path + ": parameter '" + e.name() + "' has shape " + new Shape(e.shape())
                            + ", the network needs " + expected);
                }
                NDArray stored = readArray(in, e, crc, manager).toType(p.getArray().getDataType(), false);
                p.getArray().set(stored.toByteBuffer());
                stored.close();
            }
            Map<String, NDArray> state = new LinkedHashMap<>();
            if (h.state() != null) {
                for (Entry e : h.state()) {
                    state.put(e.name(), readArray(in, e, crc, manager));
                }
            }
            if (in.read() != -1) {
                throw new MedSegException(path + ": has data after the last parameter (damaged or not a MedSeg model)");
            }
            if (crc.getValue() != h.weightsCrc32()) {
                throw new MedSegException(path + ": weights are damaged (checksum mismatch)");
            }
            return new Loaded(h.config(), h.metadata(), network, state, h.training());
        } catch (EOFException e) {
            throw new MedSegException(path + ": truncated model file (weights end early)", e);
        } catch (IOException e) {
            throw new MedSegException(path + ": cannot read model file (" + AtomicFiles.describe(e) + ")", e);
        }
    }

    private static NDArray readArray(DataInputStream in, Entry e, CRC32 crc, NDManager manager) throws IOException {
        byte[] bytes = new byte[Math.toIntExact(Math.multiplyExact(e.count(), 4))];
        in.readFully(bytes);
        crc.update(bytes);
        float[] v = new float[(int) e.count()];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
        return manager.create(v, new Shape(e.shape()));
    }

    private static DataInputStream open(Path path) throws IOException {
        if (!Files.isRegularFile(path)) {
            throw new MedSegException(path + (Files.exists(path) ? ": not a file" : ": no such file"));
        }
        InputStream raw = Files.newInputStream(path);
        return new DataInputStream(new BufferedInputStream(raw, 1 << 16));
    }

    private static Header header(DataInputStream in, Path path) throws IOException {
        byte[] magic = new byte[MAGIC.length];
        int n = in.readNBytes(magic, 0, magic.length);
        if (n < magic.length || !java.util.Arrays.equals(magic, MAGIC)) {
            throw new MedSegException(path + ": not a MedSeg model file (bad magic)");
        }
        int version;
        int length;
        try {
            version = in.readInt();
            length = in.readInt();
        } catch (EOFException e) {
            throw new MedSegException(path + ": truncated model file (header cut off)");
        }
        if (version < 1 || version > FORMAT_VERSION) {
            throw new MedSegException(path + ": model format version " + version + " is not supported (this MedSeg reads"
                    + " up to " + FORMAT_VERSION + "); update MedSeg");
        }
        if (length <= 0 || length > MAX_HEADER_BYTES) {
            throw new MedSegException(path + ": damaged model file (header length " + length + ")");
        }
        byte[] json = new byte[length];
        try {
            in.readFully(json);
        } catch (EOFException e) {
            throw new MedSegException(path + ": truncated model file (header cut off)");
        }
        Header h;
        try {
            h = GSON.fromJson(new String(json, StandardCharsets.UTF_8), Header.class);
        } catch (RuntimeException e) { // gson's parse errors, and invalid configs rejected by their constructors
            throw new MedSegException(path + ": damaged model header (" + firstLine(e.getMessage()) + ")", e);
        }
        if (h == null || h.config() == null || h.parameters() == null || h.metadata() == null) {
            throw new MedSegException(path + ": damaged model header (config, metadata or parameter table missing)");
        }
        long expectedOffset = 0;
        List<Entry> all = new ArrayList<>(h.parameters());
        if (h.state() != null) {
            all.addAll(h.state());
        }
        for (Entry e : all) {
            if (e == null || e.name() == null || e.shape() == null || e.offset() != expectedOffset || e.count() < 0
                    || e.count() != new Shape(e.shape()).size()) {
                throw new MedSegException(path + ": damaged model header (parameter table inconsistent)");
            }
            expectedOffset += e.count();
        }
        if (h.metadata().plan() != null) {
            PlanFiles.validate(h.metadata().plan(), path + " (stored plan)");
        }
        return h;
    }

    private static byte[] littleEndian(float[] v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(v);
        return b.array();
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unreadable JSON";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
