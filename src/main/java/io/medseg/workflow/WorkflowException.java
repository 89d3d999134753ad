package io.medseg.workflow;

import java.util.List;

import io.medseg.MedSegException;

/** A workflow that cannot run, with every problem found (the command line prints one line each). */
public final class WorkflowException extends MedSegException {
    private static final long serialVersionUID = 1L;
    private final List<String> problems;

    public WorkflowException(List<String> problems) {
        super(String.join("\n", problems));
        this.problems = List.copyOf(problems);
    }

    public WorkflowException(String problem) {
        this(List.of(problem));
    }

    public List<String> problems() {
        return problems;
    }
}
