package io.medseg.synth;

import java.util.LinkedHashMap;
import java.util.Map;

/** The label values of the synthetic phantoms, as declared in their dataset.json. */
public final class PhantomLabels {
    public static final int BACKGROUND = 0;
    /** The liver-like organ, lesions excluded. */
    public static final int ORGAN = 1;
    /** Focal lesions inside the organ. */
    public static final int LESION = 2;

    private PhantomLabels() {
    }

    /** {"background": 0, "organ": 1, "lesion": 2}, for dataset.json. */
    public static Map<String, Integer> asMap() {
        Map<String, Integer> m = new LinkedHashMap<>();
        m.put("background", BACKGROUND);
        m.put("organ", ORGAN);
        m.put("lesion", LESION);
        return m;
    }
}
