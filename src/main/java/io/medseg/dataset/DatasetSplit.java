package io.medseg.dataset;

/** Whether a case is for training (imagesTr/labelsTr) or testing (imagesTs/labelsTs), with nnU-Net's folder names. */
public enum DatasetSplit {
    TRAIN("train", "imagesTr", "labelsTr"),
    TEST("test", "imagesTs", "labelsTs");

    private final String label;
    private final String imagesFolder;
    private final String labelsFolder;

    DatasetSplit(String label, String imagesFolder, String labelsFolder) {
        this.label = label;
        this.imagesFolder = imagesFolder;
        this.labelsFolder = labelsFolder;
    }

    /** "train" or "test". */
    public String label() {
        return label;
    }

    public String imagesFolder() {
        return imagesFolder;
    }

    public String labelsFolder() {
        return labelsFolder;
    }
}
