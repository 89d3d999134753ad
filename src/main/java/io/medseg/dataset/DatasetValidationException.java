package io.medseg.dataset;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

import io.medseg.MedSegException;

/**
 * A dataset that cannot be used, with every problem found (not only the first), so the user can fix them all in one
 * go. The message starts with a summary line naming the dataset folder, followed by one line per problem.
 */
public class DatasetValidationException extends MedSegException {
    private static final long serialVersionUID = 1L;

    private final transient List<DatasetProblem> problems;

    public DatasetValidationException(Path dataset, List<DatasetProblem> problems) {
        super(format(dataset, problems));
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a validation failure needs at least one problem");
        }
        this.problems = List.copyOf(problems);
    }

    /** The problems, in the order they were found. */
    public List<DatasetProblem> problems() {
        return problems;
    }

    private static String format(Path dataset, List<DatasetProblem> problems) {
        String head = dataset + ": not a valid nnU-Net dataset (" + problems.size()
                + (problems.size() == 1 ? " problem)" : " problems)");
        return problems.stream().map(p -> "  - " + p).collect(Collectors.joining("\n", head + "\n", ""));
    }
}
