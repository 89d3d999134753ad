package io.medseg.model.nnunet;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import io.medseg.MedSegException;
import io.medseg.dataset.DatasetDescriptor;
import io.medseg.dataset.DatasetJson;
import io.medseg.dataset.DatasetProblem;
import io.medseg.engine.DjlEnvironment;
import io.medseg.io.AtomicFiles;
import io.medseg.io.torch.TorchCheckpoint;
import io.medseg.model.ModelFile;
import io.medseg.model.ModelMetadata;
import io.medseg.nn.networks.Architecture;
import io.medseg.nn.networks.AxisOrderedNetwork;
import io.medseg.nn.networks.FoldEnsemble;
import io.medseg.nn.networks.NetworkConfig;
import io.medseg.nn.networks.Networks;
import io.medseg.preprocessing.PreprocessingPlan;

/**
 * Imports an nnU-Net v2 trained-model folder ({@code dataset.json}, {@code plans.json},
 * {@code fold_N/checkpoint_final.pth}) written by a released trainer of LightM-UNet, U-Mamba or xLSTM-UNet as one
 * MedSeg model: the plan's preprocessing ({@link NnUNetPlanImport}), the network built from the plans with the
 * checkpoint's weights, and several folds as one ensemble. The model file is written only when every fold has
 * loaded.
 */
public final class NnUNetImporter {
    /** Which checkpoint of each fold: nnU-Net's predictor takes the final one by default. */
    public enum Checkpoint {
        FINAL("checkpoint_final.pth"), BEST("checkpoint_best.pth");

        private final String file;

        Checkpoint(String file) {
            this.file = file;
        }

        public String file() {
            return file;
        }
    }

    /** True for a fold name an import takes: a fold number, or "all" for fold_all. */
    public static boolean isFold(String name) {
        return name.equals("all") || name.matches("\\d+");
    }

    /** The model file an import writes into its output folder. */
    public static final String MODEL_FILE = "model.medseg";

    private NnUNetImporter() {
    }

    /**
     * Everything an import decides before reading weights: the architecture, the checkpoints, the MedSeg plan (with
     * the network config) and the model's metadata. Cheap (only the checkpoints' pickles are read), so a KNIME node
     * configures with it.
     */
    public record Prepared(Architecture architecture, String configuration, List<Path> checkpoints,
            PreprocessingPlan plan, ModelMetadata metadata) {
        public Prepared {
            checkpoints = List.copyOf(checkpoints);
        }

        /** The fold folder names, e.g. fold_0. */
        public List<String> folds() {
            return checkpoints.stream().map(p -> p.getParent().getFileName().toString()).toList();
        }
    }

    /**
     * Reads what {@link #run} imports, without the weights.
     *
     * @param folds fold names ("0", "1", ..., "all"), or empty for every fold_N folder holding the checkpoint
     */
    public static Prepared prepare(Path folder, List<String> folds, Checkpoint checkpoint) {
        if (!Files.isDirectory(folder)) {
            throw new MedSegException(folder + ": no such folder (expected an nnU-Net trained-model folder with"
                    + " plans.json, dataset.json and fold_N/)");
        }
        DatasetDescriptor dataset = dataset(folder);
        NnUNetPlans plans = NnUNetPlans.read(require(folder.resolve("plans.json")));
        List<Path> checkpoints = checkpoints(folder, folds, checkpoint);
        String trainer = null;
        String configurationName = null;
        Object mirroring = null;
        for (Path p : checkpoints) {
            try (TorchCheckpoint c = TorchCheckpoint.open(p)) {
                Map<?, ?> root = checkpointDict(c);
                if (trainer == null) { // nnU-Net's predictor takes it from the first fold too
                    mirroring = root.get("inference_allowed_mirroring_axes");
                }
                String t = string(c, root, "trainer_name");
                String conf = string(c, (Map<?, ?>) value(c, root, "init_args", Map.class), "configuration");
                if (trainer != null && (!trainer.equals(t) || !configurationName.equals(conf))) {
                    throw new MedSegException(p + ": trainer " + t + " / configuration " + conf + " differs from "
                            + checkpoints.get(0) + " (" + trainer + " / " + configurationName
                            + "); import folds of one training only");
                }
                trainer = t;
                configurationName = conf;
            }
        }
        NnUNetPlans.Configuration configuration = plans.configuration(configurationName);
        Architecture architecture = NnUNetTrainers.architecture(trainer, configuration.networkClass());
        if (architecture == null) {
            throw new MedSegException(checkpoints.get(0) + ": trainer_name " + trainer + " (network "
                    + configuration.networkClass() + ") is not supported; MedSeg imports " + NnUNetTrainers.supported());
        }
        NnUNetPlanImport planImport = new NnUNetPlanImport(plans, configuration, dataset, architecture,
                checkpoints.size());
        PreprocessingPlan plan = planImport.plan();
        return new Prepared(architecture, configurationName, checkpoints, plan,
                planImport.metadata(notes(folder, trainer, configurationName, checkpoints))
                        .withMirroringAxes(mirroringAxes(mirroring, plan.network(), checkpoints.get(0))));
    }

    /**
     * Imports {@code folder} into {@code out/model.medseg}, written only when every fold's weights have loaded.
     *
     * @param folds fold names ("0", "1", ..., "all"), or empty for every fold_N folder holding the checkpoint
     */
    public static Prepared run(Path folder, List<String> folds, Checkpoint checkpoint, Path out, boolean overwrite) {
        Path model = out.resolve(MODEL_FILE);
        if (Files.exists(model) && !overwrite) {
            throw new MedSegException(model + ": exists; pass --overwrite to replace it");
        }
        Prepared prepared = prepare(folder, folds, checkpoint);
        PreprocessingPlan plan = prepared.plan();
        NetworkConfig config = plan.network();
        try (NDManager manager = DjlEnvironment.pytorch().newBaseManager()) {
            Block network = Networks.build(config, plan.patchSize());
            network.initialize(manager, DataType.FLOAT32, Networks.inputShape(config, plan.patchSize()));
            List<Block> foldNetworks = foldNetworks(network);
            for (int f = 0; f < foldNetworks.size(); f++) {
                try (TorchCheckpoint c = TorchCheckpoint.open(prepared.checkpoints().get(f))) {
                    StateDictLoader.load(c, StateDictLoader.tensors(c, value(c, checkpointDict(c), "network_weights",
                            Map.class), "network_weights"), prepared.architecture(), foldNetworks.get(f));
                }
            }
            Files.createDirectories(out);
            ModelFile.save(model, config, prepared.metadata(), network, overwrite);
            return prepared;
        } catch (IOException e) {
            throw new MedSegException(out + ": cannot create (" + AtomicFiles.describe(e) + ")", e);
        }
    }

    /** The fold networks inside a built model: its one network, or an ensemble's folds, in MedSeg's axis order or not. */
    static List<Block> foldNetworks(Block network) {
        Block inner = network instanceof AxisOrderedNetwork a ? a.network() : network;
        return inner instanceof FoldEnsemble e ? e.folds() : List.of(inner);
    }

    private static DatasetDescriptor dataset(Path folder) {
        require(folder.resolve(DatasetJson.FILE_NAME));
        DatasetJson.Reading r = DatasetJson.read(folder);
        if (!r.problems().isEmpty()) {
            throw new MedSegException(folder.resolve(DatasetJson.FILE_NAME) + ": " + r.problems().stream()
                    .map(DatasetProblem::message).collect(Collectors.joining("; ")));
        }
        return r.descriptor();
    }

    private static Path require(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new MedSegException(file + ": missing; an nnU-Net trained-model folder holds plans.json,"
                    + " dataset.json and fold_N/checkpoint_final.pth");
        }
        return file;
    }

    /** The checkpoint files of the chosen folds (default: every fold_N with one, as nnU-Net's predictor does). */
    private static List<Path> checkpoints(Path folder, List<String> folds, Checkpoint checkpoint) {
        List<String> names = new ArrayList<>(folds);
        if (names.isEmpty()) {
            try (Stream<Path> s = Files.list(folder)) {
                names = s.filter(p -> p.getFileName().toString().matches("fold_\\d+")
                        && Files.isRegularFile(p.resolve(checkpoint.file())))
                        .map(p -> p.getFileName().toString().substring(5))
                        .sorted((a, b) -> Integer.compare(Integer.parseInt(a), Integer.parseInt(b))).toList();
            } catch (IOException e) {
                throw new MedSegException(folder + ": cannot list (" + AtomicFiles.describe(e) + ")", e);
            }
            if (names.isEmpty()) {
                throw new MedSegException(folder + ": no fold_N/" + checkpoint.file() + " (use --checkpoint best for"
                        + " checkpoint_best.pth, or --folds all for fold_all)");
            }
        }
        List<Path> out = new ArrayList<>();
        for (String n : names) {
            out.add(require(folder.resolve("fold_" + n).resolve(checkpoint.file())));
        }
        return out;
    }

    /**
     * A checkpoint's inference_allowed_mirroring_axes (network axes; None: no mirroring) as patch axes in MedSeg's
     * order.
     */
    private static int[] mirroringAxes(Object allowed, NetworkConfig network, Path checkpoint) {
        if (allowed == null) {
            return new int[0];
        }
        Object[] axes = allowed instanceof List<?> l ? l.toArray() : allowed instanceof Object[] a ? a : null;
        int[] order = network.axisOrder();
        if (axes == null) {
            throw new MedSegException(checkpoint + ": inference_allowed_mirroring_axes is a "
                    + StateDictLoader.typeName(allowed) + ", expected a tuple of axes");
        }
        int[] out = new int[axes.length];
        for (int i = 0; i < axes.length; i++) {
            int n = ((Number) axes[i]).intValue();
            if (n < 0 || n >= network.dims()) {
                throw new MedSegException(checkpoint + ": inference_allowed_mirroring_axes names axis " + n + " of a "
                        + network.dims() + "D network");
            }
            out[i] = order == null ? n : order[n];
        }
        Arrays.sort(out);
        return out;
    }

    private static Map<String, String> notes(Path folder, String trainer, String configuration, List<Path> checkpoints) {
        Map<String, String> notes = new LinkedHashMap<>();
        notes.put("source", "nnU-Net v2 model folder " + folder.toAbsolutePath().normalize());
        notes.put("trainer", trainer);
        notes.put("configuration", configuration);
        notes.put("checkpoints", checkpoints.stream().map(p -> folder.relativize(p).toString())
                .collect(Collectors.joining(",")));
        return notes;
    }

    private static Map<?, ?> checkpointDict(TorchCheckpoint c) {
        if (!(c.root() instanceof Map<?, ?> m) || !m.containsKey("network_weights")) {
            throw new MedSegException(c.path() + ": not an nnU-Net checkpoint (no network_weights; a bare state_dict"
                    + " or another trainer's file)");
        }
        return m;
    }

    private static <T> T value(TorchCheckpoint c, Map<?, ?> m, String key, Class<T> type) {
        Object v = m.get(key);
        if (!type.isInstance(v)) {
            throw new MedSegException(c.path() + ": " + key + " is " + (v == null ? "missing" : "a "
                    + StateDictLoader.typeName(v)) + ", expected a " + type.getSimpleName());
        }
        return type.cast(v);
    }

    private static String string(TorchCheckpoint c, Map<?, ?> m, String key) {
        return value(c, m, key, String.class);
    }
}
