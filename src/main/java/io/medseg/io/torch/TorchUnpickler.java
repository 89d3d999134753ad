package io.medseg.io.torch;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import net.razorvine.pickle.IObjectConstructor;
import net.razorvine.pickle.Opcodes;
import net.razorvine.pickle.PickleException;
import net.razorvine.pickle.PickleUtils;
import net.razorvine.pickle.Unpickler;

/**
 * Razorvine's unpickler taught what {@code torch.save} writes: tensors ({@code torch._utils._rebuild_tensor_v2} over a
 * persistent storage id), parameters, {@code collections.OrderedDict} (with its {@code _metadata}), {@code torch.device},
 * numpy scalars and protocol-2 bytes. Every other class becomes a {@link PythonObject}, so that a whole checkpoint
 * (optimiser state, logs, plans) reads, and nothing in it is ever run or instantiated as a Java class.
 */
final class TorchUnpickler extends Unpickler {
    private final Map<String, IObjectConstructor> constructors = new LinkedHashMap<>();

    TorchUnpickler() {
        constructors.put("collections.OrderedDict", TorchUnpickler::orderedDict);
        constructors.put("torch._utils._rebuild_tensor_v2", TorchUnpickler::tensor);
        constructors.put("torch._utils._rebuild_tensor", TorchUnpickler::tensor);
        constructors.put("torch._utils._rebuild_parameter", args -> args[0]);
        constructors.put("torch._utils._rebuild_parameter_with_state", args -> args[0]);
        constructors.put("torch.device", args -> args.length > 1 && args[1] != null ? args[0] + ":" + args[1] : args[0]);
        constructors.put("torch.Size", args -> ((List<?>) args[0]).toArray());
        constructors.put("_codecs.encode", args -> ((String) args[0]).getBytes(StandardCharsets.ISO_8859_1));
        constructors.put("builtins.set", TorchUnpickler::set);
        constructors.put("__builtin__.set", TorchUnpickler::set);
        constructors.put("numpy.dtype", args -> new PythonObject("numpy.dtype", args));
        constructors.put("numpy.core.multiarray.scalar", TorchUnpickler::numpyScalar);
        constructors.put("numpy._core.multiarray.scalar", TorchUnpickler::numpyScalar);
    }

    /** Where a persistent id points: one storage record of the archive. */
    record StorageRef(TorchDType dtype, String key, long elements) {
    }

    /** A storage class such as {@code torch.FloatStorage}, as a persistent id names it. */
    private record StorageClass(String name, TorchDType dtype) implements IObjectConstructor {
        @Override
        public Object construct(Object[] args) {
            throw new PickleException("a storage class (" + name + ") cannot be called");
        }
    }

    @Override
    protected Object dispatch(short key) throws PickleException, IOException {
        switch (key) {
        case Opcodes.GLOBAL -> {
            String module = PickleUtils.readline(input);
            stack.add(constructor(module, PickleUtils.readline(input)));
            return NO_RETURN_VALUE;
        }
        case Opcodes.STACK_GLOBAL -> {
            String name = (String) stack.pop();
            stack.add(constructor((String) stack.pop(), name));
            return NO_RETURN_VALUE;
        }
        case Opcodes.EMPTY_DICT -> { // Python's dicts keep their insertion order; razorvine's HashMap does not
            stack.add(new LinkedHashMap<Object, Object>());
            return NO_RETURN_VALUE;
        }
        case Opcodes.SETITEMS -> { // razorvine collects the items in a HashMap first, which loses their order
            List<Object> items = stack.pop_all_since_marker();
            @SuppressWarnings("unchecked")
            Map<Object, Object> dict = (Map<Object, Object>) stack.peek();
            for (int i = 0; i + 1 < items.size(); i += 2) {
                dict.put(items.get(i), items.get(i + 1));
            }
            return NO_RETURN_VALUE;
        }
        case Opcodes.BUILD -> {
            Object state = stack.pop();
            if (stack.peek() instanceof PythonObject o) {
                o.setState(state);
            } else if (stack.peek() instanceof PythonDict d && state instanceof Map<?, ?> attributes) {
                d.attributes().putAll(attributes);
            }
            return NO_RETURN_VALUE;
        }
        default -> {
            return super.dispatch(key);
        }
        }
    }

    private IObjectConstructor constructor(String module, String name) {
        String qualified = module + "." + name;
        IObjectConstructor known = constructors.get(qualified);
        if (known != null) {
            return known;
        }
        if (module.equals("torch") && name.endsWith("Storage")) {
            TorchDType dtype = TorchDType.ofStorageClass(name);
            if (dtype == null) {
                throw new PickleException("unsupported tensor storage torch." + name);
            }
            return new StorageClass(qualified, dtype);
        }
        return args -> new PythonObject(qualified, args);
    }

    @Override
    protected Object persistentLoad(Object pid) {
        if (!(pid instanceof Object[] t) || t.length < 5 || !"storage".equals(t[0])) {
            throw new PickleException("unknown persistent id " + describe(pid));
        }
        if (!(t[1] instanceof StorageClass type)) {
            throw new PickleException("unknown storage type " + describe(t[1]));
        }
        return new StorageRef(type.dtype(), String.valueOf(t[2]), ((Number) t[4]).longValue());
    }

    private static Object tensor(Object[] args) {
        if (!(args[0] instanceof StorageRef storage)) {
            throw new PickleException("a tensor without a storage (" + describe(args[0]) + ")");
        }
        return new TorchTensor(storage.dtype(), storage.key(), storage.elements(), ((Number) args[1]).longValue(),
                longs(args[2]), longs(args[3]));
    }

    private static long[] longs(Object tuple) {
        Object[] values = tuple instanceof List<?> l ? l.toArray() : (Object[]) tuple;
        long[] out = new long[values.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = ((Number) values[i]).longValue();
        }
        return out;
    }

    private static Object orderedDict(Object[] args) {
        PythonDict d = new PythonDict();
        if (args.length == 1 && args[0] instanceof Collection<?> pairs) { // OrderedDict([(key, value), ...])
            for (Object p : pairs) {
                Object[] kv = (Object[]) p;
                d.put(kv[0], kv[1]);
            }
        }
        return d;
    }

    private static Object set(Object[] args) {
        return args.length == 0 ? new HashSet<>() : new HashSet<>((Collection<?>) args[0]);
    }

    /**
     * numpy.core.multiarray.scalar(dtype, bytes): the value of a numpy scalar (np.float64 in nnU-Net's logs), as a
     * Double, Long or Boolean. The dtype's pickled state carries its byte order ('<', '>', '|' or '=').
     */
    private static Object numpyScalar(Object[] args) {
        if (!(args[0] instanceof PythonObject dtype) || !(args[1] instanceof byte[] raw)) {
            return new PythonObject("numpy.core.multiarray.scalar", args);
        }
        String code = String.valueOf(dtype.arguments()[0]);
        ByteOrder order = dtype.state() instanceof Object[] s && s.length > 1 && ">".equals(s[1])
                ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        ByteBuffer b = ByteBuffer.wrap(raw).order(order);
        return switch (code) {
        case "f8" -> b.getDouble(0);
        case "f4" -> (double) b.getFloat(0);
        case "f2" -> (double) TorchDType.halfToFloat(b.getShort(0));
        case "i8", "u8" -> b.getLong(0);
        case "i4" -> (long) b.getInt(0);
        case "u4" -> b.getInt(0) & 0xffffffffL;
        case "i2" -> (long) b.getShort(0);
        case "u2" -> (long) (b.getShort(0) & 0xffff);
        case "i1" -> (long) b.get(0);
        case "u1" -> (long) (b.get(0) & 0xff);
        case "b1" -> b.get(0) != 0;
        default -> new PythonObject("numpy.core.multiarray.scalar", args);
        };
    }

    static String describe(Object o) {
        if (o instanceof Object[] a) {
            List<String> parts = new ArrayList<>();
            for (Object x : a) {
                parts.add(describe(x));
            }
            return "(" + String.join(", ", parts) + ")";
        }
        return String.valueOf(o);
    }
}
