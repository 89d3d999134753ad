package io.medseg.io.torch;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

import io.medseg.MedSegException;
import io.medseg.io.AtomicFiles;
import net.razorvine.pickle.PickleException;

/**
 * A file written by {@code torch.save} (the zip format of PyTorch 1.6 and later): {@code <name>/data.pkl}, a pickle
 * (protocol 2) whose tensors point at storages stored as raw records {@code <name>/data/<key>}, little-endian unless
 * {@code <name>/byteorder} says otherwise. {@link #root()} is the unpickled object (maps, lists, tuples as
 * {@code Object[]}, numbers, strings, {@link TorchTensor}s, {@link PythonObject}s); tensor values are read on demand by
 * {@link #floats}. Nothing in the file is executed. Errors name the file and what was not understood.
 */
public final class TorchCheckpoint implements AutoCloseable {
    private final Path path;
    private final ZipFile zip;
    private final String prefix;
    private final ByteOrder order;
    private final Object root;
    private final Map<String, ByteBuffer> storages = new HashMap<>();

    private TorchCheckpoint(Path path, ZipFile zip, String prefix, ByteOrder order) throws IOException {
        this.path = path;
        this.zip = zip;
        this.prefix = prefix;
        this.order = order;
        try (InputStream in = zip.getInputStream(zip.getEntry(prefix + "data.pkl"))) {
            root = new TorchUnpickler().load(in);
        } catch (PickleException | ClassCastException | IndexOutOfBoundsException e) {
            throw new MedSegException(path + ": cannot read the PyTorch checkpoint's pickle (" + e.getMessage() + ")",
                    e);
        }
    }

    /** Opens and unpickles a checkpoint; close it when its tensors have been read. */
    public static TorchCheckpoint open(Path path) {
        if (!Files.isRegularFile(path)) {
            throw new MedSegException(path + ": no such file (expected a PyTorch checkpoint, .pth)");
        }
        ZipFile zip;
        try {
            zip = new ZipFile(path.toFile());
        } catch (ZipException e) {
            throw new MedSegException(path + ": not a PyTorch checkpoint in the zip format of torch.save (PyTorch 1.6"
                    + " or later); re-save it with torch.save in a current PyTorch", e);
        } catch (IOException e) {
            throw new MedSegException(path + ": cannot read (" + AtomicFiles.describe(e) + ")", e);
        }
        try {
            String prefix = null;
            for (ZipEntry e : Collections.list(zip.entries())) {
                if (e.getName().endsWith("/data.pkl") && e.getName().indexOf('/') == e.getName().length() - 9) {
                    prefix = e.getName().substring(0, e.getName().length() - 8);
                }
            }
            if (prefix == null) {
                throw new MedSegException(path + ": a zip file without <name>/data.pkl, not a torch.save checkpoint");
            }
            ZipEntry byteOrder = zip.getEntry(prefix + "byteorder");
            ByteOrder order = ByteOrder.LITTLE_ENDIAN;
            if (byteOrder != null) {
                try (InputStream in = zip.getInputStream(byteOrder)) {
                    order = new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim().equals("big")
                            ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
                }
            }
            return new TorchCheckpoint(path, zip, prefix, order);
        } catch (IOException | RuntimeException e) {
            try {
                zip.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            if (e instanceof MedSegException m) {
                throw m;
            }
            throw new MedSegException(path + ": damaged PyTorch checkpoint (" + e.getMessage() + ")", e);
        }
    }

    /** The file this checkpoint was read from. */
    public Path path() {
        return path;
    }

    /** The unpickled object, e.g. a state_dict or nnU-Net's checkpoint dictionary. */
    public Object root() {
        return root;
    }

    /** A tensor's values in row-major order of its shape, widened or narrowed to float. */
    public float[] floats(TorchTensor t) {
        ByteBuffer storage = storage(t);
        if (t.extent() > t.storageElements() || t.offset() < 0) {
            throw new MedSegException(path + ": damaged checkpoint (a " + t + " view reaches past its storage "
                    + t.storage() + " of " + t.storageElements() + " elements)");
        }
        float[] out = new float[Math.toIntExact(t.size())];
        long[] shape = t.shape();
        long[] stride = t.stride();
        long[] index = new long[shape.length];
        long at = t.offset();
        for (int i = 0; i < out.length; i++) {
            out[i] = t.dtype().get(storage, at);
            for (int axis = shape.length - 1; axis >= 0; axis--) { // odometer over the view's indices
                at += stride[axis];
                if (++index[axis] < shape[axis]) {
                    break;
                }
                at -= stride[axis] * shape[axis];
                index[axis] = 0;
            }
        }
        return out;
    }

    private ByteBuffer storage(TorchTensor t) {
        ByteBuffer b = storages.get(t.storage());
        if (b != null) {
            return b;
        }
        ZipEntry entry = zip.getEntry(prefix + "data/" + t.storage());
        if (entry == null) {
            throw new MedSegException(path + ": damaged checkpoint (storage record data/" + t.storage()
                    + " is missing)");
        }
        try (InputStream in = zip.getInputStream(entry)) {
            byte[] bytes = in.readAllBytes();
            if (bytes.length != t.storageElements() * t.dtype().bytes()) {
                throw new MedSegException(path + ": damaged checkpoint (storage data/" + t.storage() + " holds "
                        + bytes.length + " bytes, expected " + t.storageElements() + " " + t.dtype() + " elements)");
            }
            b = ByteBuffer.wrap(bytes).order(order);
        } catch (IOException e) {
            throw new MedSegException(path + ": damaged checkpoint (storage data/" + t.storage() + ": "
                    + AtomicFiles.describe(e) + ")", e);
        }
        storages.put(t.storage(), b);
        return b;
    }

    @Override
    public void close() {
        try {
            zip.close();
        } catch (IOException e) {
            // a read-only archive: nothing is lost when closing fails
        }
        storages.clear();
    }
}
