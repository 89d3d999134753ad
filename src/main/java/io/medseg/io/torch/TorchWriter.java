package io.medseg.io.torch;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import io.medseg.io.AtomicFiles;

/**
 * Writes what {@code torch.load} reads: the zip format of {@code torch.save} with a protocol-2 pickle. Values are
 * None, booleans, integers, doubles, strings, lists (and int, long and double arrays), tuples ({@code Object[]}), dicts ({@link PythonDict} as
 * {@code collections.OrderedDict}), {@code torch.device} ({@link Device}) and float32 tensors ({@link Tensor}) whose
 * storages are written once each and may be shared by several tensors (PyTorch loads them as views of one storage, as
 * a module registered under two parents saves them). Entries are stored uncompressed, as PyTorch writes them.
 */
public final class TorchWriter {
    /** A float32 tensor over a storage of its own key; tensors of one key share their values. */
    public record Tensor(String storage, long[] shape) {
    }

    /** {@code torch.device(type)}, e.g. "cpu". */
    public record Device(String type) {
    }

    private final Map<String, float[]> storages = new LinkedHashMap<>();
    private final ByteArrayOutputStream pickle = new ByteArrayOutputStream();

    /** Registers a storage's values under {@code key} and returns a tensor of {@code shape} over all of them. */
    public Tensor tensor(String key, float[] values, long[] shape) {
        storages.put(key, values);
        return new Tensor(key, shape.clone());
    }

    /** Writes {@code root} as a checkpoint file named {@code path}, atomically. */
    public void write(Path path, Object root, boolean overwrite) {
        pickle.reset();
        pickle.write(0x80);
        pickle.write(2);
        value(root);
        pickle.write('.');
        String name = path.getFileName().toString();
        String prefix = (name.contains(".") ? name.substring(0, name.indexOf('.')) : name) + "/";
        AtomicFiles.write(path, overwrite, tmp -> {
            try (OutputStream os = Files.newOutputStream(tmp); ZipOutputStream zip = new ZipOutputStream(os)) {
                stored(zip, prefix + "data.pkl", pickle.toByteArray());
                stored(zip, prefix + "byteorder", "little".getBytes(StandardCharsets.US_ASCII));
                for (Map.Entry<String, float[]> s : storages.entrySet()) {
                    ByteBuffer b = ByteBuffer.allocate(s.getValue().length * 4).order(ByteOrder.LITTLE_ENDIAN);
                    b.asFloatBuffer().put(s.getValue());
                    stored(zip, prefix + "data/" + s.getKey(), b.array());
                }
                stored(zip, prefix + "version", "3\n".getBytes(StandardCharsets.US_ASCII));
            }
        });
    }

    private static void stored(ZipOutputStream zip, String name, byte[] bytes) throws IOException {
        ZipEntry e = new ZipEntry(name);
        e.setMethod(ZipEntry.STORED);
        e.setSize(bytes.length);
        e.setCompressedSize(bytes.length);
        CRC32 crc = new CRC32();
        crc.update(bytes);
        e.setCrc(crc.getValue());
        zip.putNextEntry(e);
        zip.write(bytes);
        zip.closeEntry();
    }

    private void value(Object v) {
        if (v == null) {
            pickle.write('N');
        } else if (v instanceof Boolean b) {
            pickle.write(b ? 0x88 : 0x89);
        } else if (v instanceof Integer || v instanceof Long) {
            integer(((Number) v).longValue());
        } else if (v instanceof Double || v instanceof Float) {
            pickle.write('G');
            pickle.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.BIG_ENDIAN).putDouble(((Number) v).doubleValue())
                    .array());
        } else if (v instanceof String s) {
            string(s);
        } else if (v instanceof int[] a) {
            value(Arrays.stream(a).boxed().toList());
        } else if (v instanceof long[] a) {
            value(Arrays.stream(a).boxed().toList());
        } else if (v instanceof double[] a) {
            value(Arrays.stream(a).boxed().toList());
        } else if (v instanceof Object[] tuple) {
            pickle.write('(');
            for (Object o : tuple) {
                value(o);
            }
            pickle.write('t');
        } else if (v instanceof List<?> list) {
            pickle.write(']');
            if (!list.isEmpty()) {
                pickle.write('(');
                list.forEach(this::value);
                pickle.write('e');
            }
        } else if (v instanceof PythonDict d) {
            global("collections", "OrderedDict");
            pickle.write(')');
            pickle.write('R');
            items(d);
        } else if (v instanceof Map<?, ?> m) {
            pickle.write('}');
            items(m);
        } else if (v instanceof Device d) {
            global("torch", "device");
            value(new Object[] { d.type() });
            pickle.write('R');
        } else if (v instanceof Tensor t) {
            tensor(t);
        } else if (v instanceof StorageClass) {
            global("torch", "FloatStorage");
        } else {
            throw new IllegalArgumentException("cannot pickle a " + v.getClass().getSimpleName());
        }
    }

    private void items(Map<?, ?> m) {
        if (m.isEmpty()) {
            return;
        }
        pickle.write('(');
        m.forEach((k, x) -> {
            value(k);
            value(x);
        });
        pickle.write('u');
    }

    /** torch._utils._rebuild_tensor_v2(storage, 0, size, stride, False, OrderedDict()), the storage by persistent id. */
    private void tensor(Tensor t) {
        long[] shape = t.shape();
        long[] stride = new long[shape.length];
        long step = 1;
        for (int a = shape.length - 1; a >= 0; a--) {
            stride[a] = step;
            step *= shape[a];
        }
        global("torch._utils", "_rebuild_tensor_v2");
        pickle.write('(');
        value(new Object[] { "storage", new StorageClass(), t.storage(), "cpu", (long) storages.get(t.storage()).length });
        pickle.write('Q');
        integer(0);
        value(boxed(shape));
        value(boxed(stride));
        value(false);
        value(new PythonDict());
        pickle.write('t');
        pickle.write('R');
    }

    /** The GLOBAL torch.FloatStorage inside a persistent id. */
    private record StorageClass() {
    }

    private static Object[] boxed(long[] values) {
        List<Object> out = new ArrayList<>();
        for (long v : values) {
            out.add(v);
        }
        return out.toArray();
    }

    private void global(String module, String name) {
        pickle.write('c');
        pickle.writeBytes((module + "\n" + name + "\n").getBytes(StandardCharsets.US_ASCII));
    }

    private void string(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        pickle.write('X');
        pickle.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(b.length).array());
        pickle.writeBytes(b);
    }

    private void integer(long v) {
        if (v >= 0 && v < 256) {
            pickle.write('K');
            pickle.write((int) v);
        } else if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
            pickle.write('J');
            pickle.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) v).array());
        } else {
            pickle.write(0x8a); // LONG1: 8 little-endian bytes
            pickle.write(8);
            pickle.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array());
        }
    }
}
