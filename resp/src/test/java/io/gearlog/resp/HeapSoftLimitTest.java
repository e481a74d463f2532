package io.gearlog.resp;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class HeapSoftLimitTest {
    private static final long MB = 1L << 20;

    @Test
    void theLimitIsTwiceTheLiveHeapPlusHeadroomBetweenTheFloorAndTheMaximum() {
        assertEquals(1024 * MB, HeapSoftLimit.limitFor(0, 6144 * MB));
        assertEquals(1024 * MB, HeapSoftLimit.limitFor(256 * MB, 6144 * MB));
        assertEquals(1112 * MB, HeapSoftLimit.limitFor(300 * MB, 6144 * MB));
        assertEquals(4512 * MB, HeapSoftLimit.limitFor(2000 * MB, 6144 * MB));
        assertEquals(6144 * MB, HeapSoftLimit.limitFor(5000 * MB, 6144 * MB));
        assertEquals(512 * MB, HeapSoftLimit.limitFor(0, 512 * MB));
    }
}
