package io.medseg.cli;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import io.medseg.MedSegException;
import io.medseg.model.nnunet.NnUNetImporter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code medseg import NNUNET_MODEL_DIR --out MODEL_DIR}: a model trained with the official code, as a MedSeg model. */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = { "Import an nnU-Net v2 trained-model folder (plans.json, dataset.json, fold_N/checkpoint_final.pth)",
                "written by the released trainers of LightM-UNet (nnUNetTrainerLightMUNet), U-Mamba",
                "(nnUNetTrainerUMambaBot/Enc), xLSTM-UNet (nnUNetTrainerUxLSTMBot/Enc) or nnU-Net itself (PlainConvUNet,",
                "ResidualEncoderUNet), 2d, 3d_fullres or 3d_lowres. Writes MODEL_DIR/model.medseg with the plan's",
                "preprocessing; several folds make one model that predicts the mean of their softmax probabilities.",
                "Predict with: medseg predict MODEL_DIR --in ... --out ..." })
final class ImportCommand extends MedSegCommand {
    @Parameters(index = "0", paramLabel = "NNUNET_MODEL_DIR", description = "The trained-model folder, e.g."
            + " nnUNet_results/Dataset001_X/nnUNetTrainerUMambaBot__nnUNetPlans__3d_fullres.")
    Path folder;

    @Option(names = "--out", required = true, paramLabel = "MODEL_DIR", description = "Folder for model.medseg.")
    Path out;

    @Option(names = "--folds", split = ",", paramLabel = "F", description = "Folds to import: 0,1,... or all"
            + " (fold_all); default every fold_N folder that holds the checkpoint, as nnU-Net predicts.")
    List<String> folds = List.of();

    @Option(names = "--checkpoint", defaultValue = "final", paramLabel = "final|best",
            description = "checkpoint_final.pth or checkpoint_best.pth (default ${DEFAULT-VALUE}).")
    String checkpoint;

    @Option(names = "--overwrite", description = "Replace an existing MODEL_DIR/model.medseg.")
    boolean overwrite;

    @Override
    public Integer call() {
        NnUNetImporter.Checkpoint which = switch (checkpoint.trim().toLowerCase(Locale.ROOT)) {
        case "final" -> NnUNetImporter.Checkpoint.FINAL;
        case "best" -> NnUNetImporter.Checkpoint.BEST;
        default -> throw new MedSegException("--checkpoint " + checkpoint + ": expected final or best");
        };
        for (String f : folds) {
            if (!NnUNetImporter.isFold(f)) {
                throw new MedSegException("--folds " + String.join(",", folds) + ": expected fold numbers such as 0,1,2"
                        + " or all");
            }
        }
        NnUNetImporter.Prepared r = NnUNetImporter.run(folder, folds, which, out, overwrite);
        out().printf(Locale.ROOT, "imported %s (%s, %s, patch %s in the images' axis order) from %s into %s%n",
                r.architecture(), r.configuration(), String.join(", ", r.folds()),
                Arrays.toString(r.plan().patchSize()), folder, out.resolve(NnUNetImporter.MODEL_FILE));
        return 0;
    }
}
