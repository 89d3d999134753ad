package io.medseg.training;

import java.util.List;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import io.medseg.MedSegException;

/**
 * The training loop's position as stored in a checkpoint's training state (beside the weights and the optimiser's
 * buffers): enough to continue a run exactly where it stopped. Data order and augmentation depend only on the seed and
 * the batch index, so the position is the random state too.
 *
 * @param nextEpoch                the first epoch still to run
 * @param optimizerSteps           steps the optimiser has taken (bias corrections depend on it)
 * @param ema                      moving average of the mean pseudo-Dice (null before the first validation)
 * @param bestEma                  best moving average so far (null if none)
 * @param bestEpoch                epoch of the best checkpoint, −1 if none
 * @param epochsWithoutImprovement for early stopping
 * @param stoppedEarly             whether early stopping ended the run
 * @param settings                 the run's settings, as JSON
 * @param history                  per-epoch records, as JSON
 * @param trainingCases            case ids trained on
 * @param validationCases          case ids validated on
 */
record TrainingCheckpoint(int nextEpoch, long optimizerSteps, Double ema, Double bestEma, int bestEpoch,
        int epochsWithoutImprovement, boolean stoppedEarly, JsonElement settings, JsonElement history,
        List<String> trainingCases, List<String> validationCases) {

    // JSON has no NaN: "no value yet" is a missing field (null)
    private static final Gson GSON = new GsonBuilder().create();

    JsonElement toJson() {
        return GSON.toJsonTree(this);
    }

    static TrainingCheckpoint fromJson(JsonElement json, String source) {
        try {
            TrainingCheckpoint c = GSON.fromJson(json, TrainingCheckpoint.class);
            if (c == null || c.settings() == null || c.history() == null || c.trainingCases() == null
                    || c.validationCases() == null) {
                throw new MedSegException(source + ": training state incomplete");
            }
            return c;
        } catch (RuntimeException e) {
            if (e instanceof MedSegException m) {
                throw m;
            }
            throw new MedSegException(source + ": unreadable training state (" + e.getMessage() + ")", e);
        }
    }

    static TrainingSettings settings(TrainingCheckpoint c, java.nio.file.Path source) {
        try {
            return GSON.fromJson(c.settings(), TrainingSettings.class);
        } catch (RuntimeException e) {
            throw new MedSegException(source + ": unreadable training settings (" + e.getMessage() + ")", e);
        }
    }

    static JsonElement settingsJson(TrainingSettings s) {
        return GSON.toJsonTree(s);
    }

    /**
     * The settings that must match to continue a run: everything but the device, which may change between machines.
     */
    static JsonObject comparable(JsonElement settings) {
        JsonObject o = settings.deepCopy().getAsJsonObject();
        o.remove("device");
        return o;
    }
}
