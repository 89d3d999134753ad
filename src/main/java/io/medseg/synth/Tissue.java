package io.medseg.synth;

/** What a phantom voxel contains, with the label value it gets in the label map. */
enum Tissue {
    AIR(0),
    FAT(0),
    SOFT_TISSUE(0),
    BONE_CORTEX(0),
    BONE_MARROW(0),
    VESSEL(0),
    /** Spleen-like distractor: about as bright as the organ but not labelled. */
    SECOND_ORGAN(0),
    /** Vessels inside the organ: darker than the organ on unenhanced CT, like lesions, but labelled organ. */
    ORGAN_VESSEL(PhantomLabels.ORGAN),
    ORGAN(PhantomLabels.ORGAN),
    LESION(PhantomLabels.LESION);

    private final int label;

    Tissue(int label) {
        this.label = label;
    }

    int label() {
        return label;
    }
}
