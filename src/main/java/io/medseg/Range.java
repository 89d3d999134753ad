package io.medseg;

import java.util.List;

/**
 * The allowed values of one numeric setting, defined once and shared by every front end: the command line, the node
 * settings (workflow files, KNIME) and the engine entry points check a value against the same range and word the
 * problem the same way ({@code NAME must be ALLOWED, got 'VALUE'}), so a user gets the same line wherever the value
 * came from.
 *
 * @param integer  whole numbers only
 * @param min      lower bound (inclusive); {@code -Infinity} or {@code Long.MIN_VALUE} for none
 * @param max      upper bound; {@code Infinity} (or at least {@code Integer.MAX_VALUE}) for none
 * @param maxOpen  whether {@code max} itself is excluded (fractions in [0, 1))
 * @param minOpen  whether {@code min} itself is excluded (rates > 0)
 */
public record Range(boolean integer, double min, boolean minOpen, double max, boolean maxOpen) {

    /** Whole numbers in [min, max]. */
    public static Range integers(long min, long max) {
        return new Range(true, min, false, max, false);
    }

    /** Finite numbers in [min, max]. */
    public static Range numbers(double min, double max) {
        return new Range(false, min, false, max, false);
    }

    /** Finite numbers in [min, max). */
    public static Range below(double min, double max) {
        return new Range(false, min, false, max, true);
    }

    /** Finite numbers greater than 0. */
    public static Range positive() {
        return new Range(false, 0, true, Double.POSITIVE_INFINITY, false);
    }

    /** Finite numbers at least {@code min}. */
    public static Range atLeast(double min) {
        return new Range(false, min, false, Double.POSITIVE_INFINITY, false);
    }

    public boolean contains(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v) || integer && v != Math.rint(v)) {
            return false;
        }
        return (minOpen ? v > min : v >= min) && (maxOpen ? v < max : v <= max);
    }

    /** What a valid value looks like, e.g. "an integer in [1, 1000000]", "a number in [0, 1)", "a number > 0". */
    public String allowed() {
        String what = integer ? "an integer" : "a number";
        if (min <= Long.MIN_VALUE || Double.isInfinite(min)) {
            return what;
        }
        boolean unbounded = max >= Integer.MAX_VALUE || Double.isInfinite(max);
        if (unbounded) {
            return what + (minOpen ? " > " : " >= ") + format(min);
        }
        return what + " in " + (minOpen ? "(" : "[") + format(min) + ", " + format(max) + (maxOpen ? ")" : "]");
    }

    /** The one-line problem for {@code given} under {@code name} (an option such as --epochs, or a node setting). */
    public String problem(String name, Object given) {
        return problem(name, allowed(), given);
    }

    /** Adds {@link #problem} to {@code problems} when {@code value} is given (non-null) and outside the range. */
    public void check(String name, Number value, List<String> problems) {
        if (value != null && !contains(value.doubleValue())) {
            problems.add(problem(name, value));
        }
    }

    /** The common wording of every setting problem: {@code NAME must be ALLOWED, got 'VALUE'}. */
    public static String problem(String name, String allowed, Object given) {
        return name + " must be " + allowed + ", got '" + given + "'";
    }

    private static String format(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }
}
