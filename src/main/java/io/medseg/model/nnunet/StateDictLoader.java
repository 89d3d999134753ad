package io.medseg.model.nnunet;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import io.medseg.MedSegException;
import io.medseg.io.torch.PythonObject;
import io.medseg.io.torch.TorchCheckpoint;
import io.medseg.io.torch.TorchTensor;
import io.medseg.nn.networks.Architecture;

/**
 * Copies an official PyTorch state_dict into an initialised MedSeg network: every MedSeg parameter from its official
 * key (shape checked), every duplicate key checked against it, and no key left over. All problems are reported at
 * once, in one line that names the checkpoint.
 */
public final class StateDictLoader {
    /** How many keys an error message lists before it says "and N more". */
    private static final int LISTED = 4;

    private StateDictLoader() {
    }

    /**
     * The tensors of a state_dict, by key. DistributedDataParallel's "module." prefix is removed as nnU-Net's own
     * loader does.
     */
    public static Map<String, TorchTensor> tensors(TorchCheckpoint checkpoint, Object stateDict, String what) {
        if (!(stateDict instanceof Map<?, ?> map)) {
            throw new MedSegException(checkpoint.path() + ": " + what + " is not a state_dict (a "
                    + typeName(stateDict) + ")");
        }
        boolean ddp = !map.isEmpty() && map.keySet().stream().allMatch(k -> String.valueOf(k).startsWith("module."));
        Map<String, TorchTensor> out = new LinkedHashMap<>();
        List<String> notTensors = new ArrayList<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            String key = String.valueOf(e.getKey());
            if (e.getValue() instanceof TorchTensor t) {
                out.put(ddp ? key.substring(7) : key, t);
            } else {
                notTensors.add(key + " (" + typeName(e.getValue()) + ")");
            }
        }
        if (!notTensors.isEmpty()) {
            throw new MedSegException(checkpoint.path() + ": " + what + " holds values that are not tensors: "
                    + listed(notTensors));
        }
        return out;
    }

    /** Loads {@code weights} into {@code network}, an initialised {@code architecture}. */
    public static void load(TorchCheckpoint checkpoint, Map<String, TorchTensor> weights, Architecture architecture,
            Block network) {
        List<String> missing = new ArrayList<>();
        List<String> wrongShape = new ArrayList<>();
        List<String> disagree = new ArrayList<>();
        List<String> notFloat = new ArrayList<>();
        Set<String> unused = new LinkedHashSet<>(weights.keySet());
        for (OfficialKeys.Entry e : OfficialKeys.of(architecture, network)) {
            TorchTensor t = weights.get(e.officialKey());
            NDArray target = e.parameter().getArray();
            if (t == null) {
                missing.add(e.officialKey());
                continue;
            }
            unused.remove(e.officialKey());
            e.aliases().forEach(unused::remove); // a misfit key's duplicates are not unexpected keys on top
            if (!new Shape(t.shape()).equals(target.getShape())) {
                wrongShape.add(e.officialKey() + " " + Arrays.toString(t.shape()) + " (expected "
                        + Arrays.toString(target.getShape().getShape()) + ")");
                continue;
            }
            if (!t.dtype().isFloatingPoint()) {
                notFloat.add(e.officialKey() + " (" + t.dtype() + ")");
                continue;
            }
            float[] values = checkpoint.floats(t);
            for (String alias : e.aliases()) {
                TorchTensor twin = weights.get(alias);
                if (twin == null) {
                    continue; // a checkpoint written without the duplicates is fine
                }
                if (twin != t && !Arrays.equals(checkpoint.floats(twin), values)) {
                    disagree.add(alias + " ≠ " + e.officialKey());
                }
            }
            target.set(values);
        }
        List<String> problems = new ArrayList<>();
        if (!wrongShape.isEmpty()) {
            problems.add("wrong shape " + listed(wrongShape));
        }
        if (!missing.isEmpty()) {
            problems.add("missing " + listed(missing));
        }
        if (!unused.isEmpty()) {
            problems.add("unexpected " + listed(new ArrayList<>(unused)));
        }
        if (!notFloat.isEmpty()) {
            problems.add("not floating point " + listed(notFloat));
        }
        if (!disagree.isEmpty()) {
            problems.add("duplicates that differ " + listed(disagree));
        }
        if (!problems.isEmpty()) {
            throw new MedSegException(checkpoint.path() + ": the network weights do not fit a " + architecture
                    + " built from the plans: " + String.join("; ", problems));
        }
    }

    static String listed(List<String> items) {
        List<String> head = items.subList(0, Math.min(LISTED, items.size()));
        return String.join(", ", head) + (items.size() > LISTED ? " and " + (items.size() - LISTED) + " more" : "");
    }

    static String typeName(Object o) {
        if (o instanceof PythonObject p) {
            return p.className();
        }
        return o == null ? "None" : o.getClass().getSimpleName();
    }
}
