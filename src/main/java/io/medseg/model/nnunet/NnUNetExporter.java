package io.medseg.model.nnunet;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import io.medseg.MedSegException;
import io.medseg.engine.DjlEnvironment;
import io.medseg.io.AtomicFiles;
import io.medseg.io.torch.PythonDict;
import io.medseg.io.torch.TorchWriter;
import io.medseg.model.ModelFile;
import io.medseg.model.ModelMetadata;
import io.medseg.nn.networks.Architecture;
import io.medseg.nn.networks.NetworkConfig;
import io.medseg.preprocessing.PreprocessingPlan;

/**
 * Writes a MedSeg model as an nnU-Net v2 trained-model folder that the released code loads: {@code plans.json},
 * {@code dataset.json} and per fold {@code fold_N/checkpoint_final.pth} with the official state_dict keys (duplicates
 * included, as strict loading wants them, sharing one storage as PyTorch saves them), the trainer's name, the
 * configuration and the mirroring axes. Importing the folder again gives the same model.
 */
public final class NnUNetExporter {
    private static final Gson GSON = new GsonBuilder().serializeNulls().setPrettyPrinting().create();

    private NnUNetExporter() {
    }

    /** Exports {@code model} (a model file or a folder holding model.medseg) into {@code out}. */
    public static List<String> run(Path modelFile, Path out, boolean overwrite) {
        ModelFile.Header header = ModelFile.readHeader(modelFile);
        NetworkConfig config = header.config();
        ModelMetadata metadata = header.metadata();
        PreprocessingPlan plan = metadata.plan();
        if (plan == null) {
            throw new MedSegException(modelFile + ": holds no preprocessing plan, which nnU-Net's plans.json needs");
        }
        String trainer = trainer(config.architecture(), metadata, modelFile);
        String configuration = metadata.notes().getOrDefault("configuration",
                config.dims() == 2 ? "2d" : "3d_fullres");
        NnUNetPlanExport export = new NnUNetPlanExport(plan, configuration);
        Map<String, Object> plans = export.plans();
        if (!overwrite && Files.exists(out.resolve("plans.json"))) {
            throw new MedSegException(out.resolve("plans.json") + ": exists; pass --overwrite to replace the folder's"
                    + " files");
        }
        try (NDManager manager = DjlEnvironment.pytorch().newBaseManager()) {
            Block network = ModelFile.load(modelFile, manager).network();
            List<Block> folds = NnUNetImporter.foldNetworks(network);
            Files.createDirectories(out);
            List<String> names = new ArrayList<>();
            for (int f = 0; f < folds.size(); f++) {
                names.add("fold_" + f);
                Path dir = Files.createDirectories(out.resolve(names.get(f)));
                writeCheckpoint(dir.resolve("checkpoint_final.pth"), config, folds.get(f), trainer, configuration,
                        plans, export.dataset(), f, mirroringAxes(config, metadata), overwrite);
            }
            write(out.resolve("plans.json"), plans, overwrite);
            write(out.resolve("dataset.json"), export.dataset(), overwrite);
            return names;
        } catch (IOException e) {
            throw new MedSegException(out + ": cannot create (" + AtomicFiles.describe(e) + ")", e);
        }
    }

    /** nnU-Net's checkpoint dictionary, as its trainer saves it, with a fresh optimiser state (none). */
    private static void writeCheckpoint(Path file, NetworkConfig config, Block fold, String trainer,
            String configuration, Map<String, Object> plans, Map<String, Object> dataset, int index, Object[] mirroring,
            boolean overwrite) {
        TorchWriter writer = new TorchWriter();
        PythonDict weights = new PythonDict();
        int storage = 0;
        for (OfficialKeys.Entry e : OfficialKeys.of(config.architecture(), fold)) {
            float[] values = e.parameter().getArray().toType(DataType.FLOAT32, false).toFloatArray();
            TorchWriter.Tensor t = writer.tensor(String.valueOf(storage++), values,
                    e.parameter().getArray().getShape().getShape());
            weights.put(e.officialKey(), t);
            e.aliases().forEach(alias -> weights.put(alias, t));
        }
        Map<String, Object> initArgs = new LinkedHashMap<>();
        initArgs.put("plans", plans);
        initArgs.put("configuration", configuration);
        initArgs.put("fold", index);
        initArgs.put("dataset_json", dataset);
        initArgs.put("device", new TorchWriter.Device("cpu"));
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("network_weights", weights);
        root.put("optimizer_state", null);
        root.put("grad_scaler_state", null);
        root.put("logging", new LinkedHashMap<>());
        root.put("_best_ema", null);
        root.put("current_epoch", 0);
        root.put("init_args", initArgs);
        root.put("trainer_name", trainer);
        root.put("inference_allowed_mirroring_axes", mirroring);
        writer.write(file, root, overwrite);
    }

    /** The network axes mirroring may flip, as nnU-Net's inference_allowed_mirroring_axes; every axis by default. */
    private static Object[] mirroringAxes(NetworkConfig config, ModelMetadata metadata) {
        int[] image = metadata.mirroringAxes();
        int[] order = config.axisOrder();
        List<Object> out = new ArrayList<>();
        for (int n = 0; n < config.dims(); n++) {
            int axis = order == null ? n : order[n];
            if (image == null || Arrays.stream(image).anyMatch(a -> a == axis)) {
                out.add(n);
            }
        }
        return out.toArray();
    }

    /** The released trainer that builds this network: the imported one where the model came from nnU-Net. */
    private static String trainer(Architecture a, ModelMetadata metadata, Path modelFile) {
        String imported = metadata.notes().get("trainer");
        if (imported != null && NnUNetTrainers.architecture(imported, null) == a) {
            return imported;
        }
        return switch (a) {
        case LIGHTM_UNET -> "nnUNetTrainerLightMUNet";
        case UMAMBA_BOT -> "nnUNetTrainerUMambaBot";
        case UMAMBA_ENC -> "nnUNetTrainerUMambaEnc";
        case XLSTM_UNET_BOT -> "nnUNetTrainerUxLSTMBot";
        case XLSTM_UNET_ENC -> "nnUNetTrainerUxLSTMEnc";
        case PLAIN_UNET, RESENC_UNET -> "nnUNetTrainer";
        case RESIDUAL_UNET -> throw new MedSegException(modelFile + ": residual-unet is MedSeg's baseline; no released"
                + " nnU-Net trainer builds it, so it cannot be exported");
        };
    }

    private static void write(Path file, Map<String, Object> json, boolean overwrite) {
        AtomicFiles.write(file, overwrite, tmp -> Files.writeString(tmp, GSON.toJson(json) + "\n",
                StandardCharsets.UTF_8));
    }
}
