package io.medseg.dataset;

/**
 * One thing wrong with a dataset, printable as one line. {@code caseId} is null for problems that concern the whole
 * dataset (dataset.json, numTraining); {@code file} is the offending file relative to the dataset folder (for example
 * {@code labelsTr/case_001.nii.gz}), or null when no single file is to blame.
 */
public record DatasetProblem(String caseId, String file, String message) {

    public static DatasetProblem ofDataset(String file, String message) {
        return new DatasetProblem(null, file, message);
    }

    public static DatasetProblem ofCase(String caseId, String file, String message) {
        return new DatasetProblem(caseId, file, message);
    }

    /** {@code case X: file: message}, leaving out the parts that are not known. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        if (caseId != null) {
            b.append("case ").append(caseId).append(": ");
        }
        if (file != null) {
            b.append(file).append(": ");
        }
        return b.append(message).toString();
    }
}
