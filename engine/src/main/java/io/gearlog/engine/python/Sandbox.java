package io.gearlog.engine.python;

/**
 * Turns the sandbox's internal denials (which GraalPy reports as Java exceptions Python cannot catch) into
 * plain sentences without Java class names. Stateless.
 */
final class Sandbox {
    private Sandbox() {
    }

    /** What was denied, for a message naming an internal denial; null if the message is something else. */
    static String describe(String internalMessage) {
        String m = internalMessage;
        if (m.contains("Process creation is not allowed")) {
            return "creating processes is not allowed in Gearlog's Python sandbox";
        }
        if (m.contains("Creating threads is not allowed")) {
            return "creating threads is not allowed in Gearlog's Python sandbox";
        }
        if (m.contains("socket was excluded") || m.contains("getaddrinfo was excluded")
                || m.contains("UnsupportedPosixFeatureException")) {
            return "network access is not allowed in Gearlog's Python sandbox";
        }
        if (m.contains("SecurityException")) {
            return "host access is not allowed in Gearlog's Python sandbox";
        }
        return null;
    }
}
