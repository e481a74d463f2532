package io.gearlog.engine.gears;

import java.util.ArrayList;
import java.util.List;

/**
 * A listed Python session (spec README section 3): one RG.PYEXECUTE whose script made registrations, with what a
 * Python context needs to get the session's callables back (its code, and the time and seed the script ran with).
 * Owned by the engine thread.
 */
public final class Session {
    final String id;
    final String description;
    /** The script's code (empty for a session whose registrations were all made inside executions). */
    final byte[] code;
    final long scriptTime;
    final long scriptSeed;
    /** Distinguishes this session from an earlier one with the same id (after UPGRADE). */
    final long serial;
    final List<Registration> registrations = new ArrayList<>();
    /** Grows whenever a registration is added, so a context knows its copy is missing callables. */
    long version;
    /** Index of the worker that runs its background executions. */
    int home;
    boolean linked = true;
    /** Its registrations that were removed while executions of theirs still ran (they keep the session alive). */
    final List<Registration> lingering = new ArrayList<>();

    Session(String id, String description, byte[] code, long scriptTime, long scriptSeed, long serial, int home) {
        this.id = id;
        this.description = description;
        this.code = code;
        this.scriptTime = scriptTime;
        this.scriptSeed = scriptSeed;
        this.serial = serial;
        this.home = home;
    }

    public String id() {
        return id;
    }

    public long serial() {
        return serial;
    }

    public long version() {
        return version;
    }

    public int home() {
        return home;
    }

    /** The last image built, reused while the registrations are the same (every execution asks for it). */
    private Image image;
    private long imageVersion = -1;
    private int imageSize = -1;

    /** What a Python context needs to load this session now (immutable, handed to other threads). */
    public Image image() {
        // version only grows and the list only shrinks between additions, so the pair names one list state
        if (image != null && imageVersion == version && imageSize == registrations.size()) {
            return image;
        }
        image = buildImage();
        imageVersion = version;
        imageSize = registrations.size();
        return image;
    }

    private Image buildImage() {
        int max = -1;
        for (Registration r : registrations) {
            max = Math.max(max, r.scriptOrdinal);
        }
        long[] numbers = new long[max + 1];
        java.util.Arrays.fill(numbers, -1);
        List<long[]> pickledNumbers = new ArrayList<>();
        List<byte[]> pickled = new ArrayList<>();
        for (Registration r : registrations) {
            if (r.scriptOrdinal >= 0) {
                numbers[r.scriptOrdinal] = r.number;
            } else if (r.pickledPlan != null) {
                pickledNumbers.add(new long[]{r.number});
                pickled.add(r.pickledPlan);
            }
        }
        long[] pn = new long[pickledNumbers.size()];
        for (int i = 0; i < pn.length; i++) {
            pn[i] = pickledNumbers.get(i)[0];
        }
        return new Image(id, serial, version, new String(code, java.nio.charset.StandardCharsets.UTF_8), scriptTime,
                scriptSeed, numbers, pn, pickled);
    }

    /**
     * A session as a context loads it: the script (re-evaluated with run() suppressed), the registration number
     * of each of its register() calls (-1: no longer registered), and the pickled plans of registrations made
     * inside executions.
     */
    public record Image(String id, long serial, long version, String code, long scriptTime, long scriptSeed, long[] byOrdinal,
                        long[] pickledNumbers, List<byte[]> pickledPlans) {
    }
}
