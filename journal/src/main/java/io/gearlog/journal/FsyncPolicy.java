package io.gearlog.journal;

/** When the journal is forced to disk, as Redis' {@code appendfsync}. */
public enum FsyncPolicy {
    /** Replies to writes are released only after their records are on disk (group commit). */
    ALWAYS("always"),
    /** The journal is forced once a second; a crash loses at most the last second. */
    EVERYSEC("everysec"),
    /** Never forced by Gearlog; the OS writes back when it likes. */
    NO("no");

    private final String configName;

    FsyncPolicy(String configName) {
        this.configName = configName;
    }

    public String configName() {
        return configName;
    }

    public static FsyncPolicy parse(String s) {
        for (FsyncPolicy p : values()) {
            if (p.configName.equalsIgnoreCase(s)) {
                return p;
            }
        }
        return null;
    }
}
