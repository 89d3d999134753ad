package io.medseg.io.torch;

import java.util.Arrays;

/**
 * An instance of a Python class the checkpoint reader does not interpret (an optimiser's settings, a logger's
 * object): its class and the arguments and state it was pickled with, kept so that the rest of the checkpoint can be
 * read and so that an error can name the class when such an object is found where a tensor was expected.
 */
public final class PythonObject {
    private final String className;
    private final Object[] arguments;
    private Object state;

    PythonObject(String className, Object[] arguments) {
        this.className = className;
        this.arguments = arguments.clone();
    }

    /** The Python class, e.g. {@code torch.optim.sgd.SGD}. */
    public String className() {
        return className;
    }

    public Object[] arguments() {
        return arguments.clone();
    }

    /** The object's pickled state (BUILD), or null. */
    public Object state() {
        return state;
    }

    void setState(Object s) {
        state = s;
    }

    @Override
    public String toString() {
        return className + Arrays.deepToString(arguments);
    }
}
