package io.gearlog.engine.keyspace;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Sorted distinct 64-bit integers in one byte array, each stored in the narrowest width (2, 4 or 8 bytes) that
 * fits every member, like Redis' intset: small integer sets cost a couple of bytes per member. The width only
 * grows. Owned by the engine thread.
 */
final class IntSet {
    private static final VarHandle I16 = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle I32 = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle I64 = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private byte[] data;
    private int width;
    private int size;

    IntSet() {
        width = 2;
        data = new byte[8];
    }

    private IntSet(byte[] data, int width, int size) {
        this.data = data;
        this.width = width;
        this.size = size;
    }

    IntSet copy() {
        return new IntSet(Arrays.copyOf(data, Math.max(size * width, 8)), width, size);
    }

    int size() {
        return size;
    }

    long get(int i) {
        return switch (width) {
            case 2 -> (short) I16.get(data, i * 2);
            case 4 -> (int) I32.get(data, i * 4);
            default -> (long) I64.get(data, i * 8);
        };
    }

    private static void put(byte[] d, int w, int i, long v) {
        switch (w) {
            case 2 -> I16.set(d, i * 2, (short) v);
            case 4 -> I32.set(d, i * 4, (int) v);
            default -> I64.set(d, i * 8, v);
        }
    }

    private static int widthFor(long v) {
        if (v >= Short.MIN_VALUE && v <= Short.MAX_VALUE) {
            return 2;
        }
        return (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) ? 4 : 8;
    }

    /** Index of {@code v}, or {@code -(insertion point) - 1}. */
    int search(long v) {
        int lo = 0;
        int hi = size - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            long m = get(mid);
            if (m < v) {
                lo = mid + 1;
            } else if (m > v) {
                hi = mid - 1;
            } else {
                return mid;
            }
        }
        return -(lo + 1);
    }

    boolean contains(long v) {
        return widthFor(v) <= width && search(v) >= 0;
    }

    /** Adds {@code v}; false if already present. */
    boolean add(long v) {
        int w = widthFor(v);
        if (w > width) {
            byte[] d = new byte[Math.max((size + 1) * w, 8)];
            for (int i = 0; i < size; i++) {
                put(d, w, i, get(i));
            }
            data = d;
            width = w;
        }
        int idx = search(v);
        if (idx >= 0) {
            return false;
        }
        int at = -idx - 1;
        int need = (size + 1) * width;
        if (need > data.length) {
            data = Arrays.copyOf(data, need + (need >> 3) + width);
        }
        System.arraycopy(data, at * width, data, (at + 1) * width, (size - at) * width);
        put(data, width, at, v);
        size++;
        return true;
    }

    boolean remove(long v) {
        if (widthFor(v) > width) {
            return false;
        }
        int idx = search(v);
        if (idx < 0) {
            return false;
        }
        removeAt(idx);
        return true;
    }

    void removeAt(int idx) {
        System.arraycopy(data, (idx + 1) * width, data, idx * width, (size - idx - 1) * width);
        size--;
        if (data.length > 64 && size * width < data.length / 4) {
            data = Arrays.copyOf(data, Math.max(size * width + (size * width >> 3) + width, 8));
        }
    }

    /** Bytes used by the members (for memory estimates). */
    int bytes() {
        return data.length;
    }
}
