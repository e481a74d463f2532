package io.gearlog.engine.reply;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

class NumberFormatTest {
    @Test
    void longBytesIsTheDecimalTextOfEveryMagnitudeAndSign() {
        long[] values = {0, 1, -1, 9, 10, -10, 99, 100, 12345, -987654321, Integer.MAX_VALUE, Integer.MIN_VALUE,
                999_999_999_999_999_999L, 1_000_000_000_000_000_000L, Long.MAX_VALUE, Long.MIN_VALUE, Long.MIN_VALUE + 1};
        for (long v : values) {
            assertEquals(Long.toString(v), new String(NumberFormat.longBytes(v), StandardCharsets.US_ASCII));
        }
        for (long p = 1; p > 0 && p < Long.MAX_VALUE / 10; p *= 10) {
            for (long v : new long[]{p - 1, p, p + 1, -(p - 1), -p, -(p + 1)}) {
                assertEquals(Long.toString(v), new String(NumberFormat.longBytes(v), StandardCharsets.US_ASCII));
            }
        }
    }
}
