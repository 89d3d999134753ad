package io.medseg.node;

/** What travels on a connection; an output connects only to an input of the same kind. */
public enum PortKind {
    /** Rows of typed columns ({@link Table}). */
    TABLE,
    /** A trained model file with its spec ({@link ModelPort}). */
    MODEL,
    /** A preprocessing plan ({@link PlanPort}). */
    PLAN;

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
