package io.gearlog.engine.util;

import java.util.function.BiConsumer;
import java.util.function.LongSupplier;

/**
 * The generic chained hash table the keyspace, hashes and sets used before {@code EntryDict}: kept as the oracle
 * that EntryDict must match bucket for bucket (SCAN cursors, chain order, random picks), since journals replay
 * random picks. Not thread-safe.
 */
public final class Dict<K, V> {
    private static final int MIN_SIZE = 4;

    public static final class Node<K, V> {
        final int hash;
        final K key;
        V value;
        Node<K, V> next;

        Node(int hash, K key, V value, Node<K, V> next) {
            this.hash = hash;
            this.key = key;
            this.value = value;
            this.next = next;
        }

        public K key() {
            return key;
        }

        public V value() {
            return value;
        }

        public void value(V v) {
            value = v;
        }
    }

    private Node<K, V>[] table;
    private int size;

    public Dict() {
        this(MIN_SIZE);
    }

    @SuppressWarnings("unchecked")
    public Dict(int capacity) {
        int n = MIN_SIZE;
        while (n < capacity) {
            n <<= 1;
        }
        table = (Node<K, V>[]) new Node[n];
    }

    private static int spread(int h) {
        h *= 0x9E3779B9;
        return h ^ (h >>> 16);
    }

    /**
     * The hash that places a key whose {@code hashCode()} is {@code hashCode}: it lives in bucket
     * {@code bucketHash(hashCode) & (buckets() - 1)}. Lets a caller reason about bucket membership (content-only
     * random picks) without holding the key in a Dict.
     */
    public static int bucketHash(int hashCode) {
        return spread(hashCode);
    }

    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    public int buckets() {
        return table.length;
    }

    public V get(Object key) {
        Node<K, V> n = node(key);
        return n == null ? null : n.value;
    }

    public boolean containsKey(Object key) {
        return node(key) != null;
    }

    public Node<K, V> node(Object key) {
        int h = spread(key.hashCode());
        for (Node<K, V> n = table[h & (table.length - 1)]; n != null; n = n.next) {
            if (n.hash == h && n.key.equals(key)) {
                return n;
            }
        }
        return null;
    }

    /** Inserts or replaces; returns the previous value or null. */
    public V put(K key, V value) {
        int h = spread(key.hashCode());
        int i = h & (table.length - 1);
        for (Node<K, V> n = table[i]; n != null; n = n.next) {
            if (n.hash == h && n.key.equals(key)) {
                V old = n.value;
                n.value = value;
                return old;
            }
        }
        table[i] = new Node<>(h, key, value, table[i]);
        size++;
        if (size > table.length) {
            resize(table.length << 1);
        }
        return null;
    }

    public V remove(Object key) {
        int h = spread(key.hashCode());
        int i = h & (table.length - 1);
        Node<K, V> prev = null;
        for (Node<K, V> n = table[i]; n != null; prev = n, n = n.next) {
            if (n.hash == h && n.key.equals(key)) {
                if (prev == null) {
                    table[i] = n.next;
                } else {
                    prev.next = n.next;
                }
                size--;
                if (table.length > MIN_SIZE && size < table.length / 8) {
                    int target = MIN_SIZE;
                    while (target < size * 2) {
                        target <<= 1;
                    }
                    resize(target);
                }
                return n.value;
            }
        }
        return null;
    }

    @SuppressWarnings("unchecked")
    public void clear() {
        table = (Node<K, V>[]) new Node[MIN_SIZE];
        size = 0;
    }

    @SuppressWarnings("unchecked")
    private void resize(int newSize) {
        Node<K, V>[] old = table;
        Node<K, V>[] t = (Node<K, V>[]) new Node[newSize];
        int mask = newSize - 1;
        for (Node<K, V> head : old) {
            Node<K, V> n = head;
            while (n != null) {
                Node<K, V> next = n.next;
                int i = n.hash & mask;
                n.next = t[i];
                t[i] = n;
                n = next;
            }
        }
        table = t;
    }

    public void forEach(BiConsumer<? super K, ? super V> action) {
        for (Node<K, V> head : table) {
            for (Node<K, V> n = head; n != null; n = n.next) {
                action.accept(n.key, n.value);
            }
        }
    }

    /** Iterates nodes; the action must not modify the dict. */
    public void forEachNode(java.util.function.Consumer<Node<K, V>> action) {
        for (Node<K, V> head : table) {
            for (Node<K, V> n = head; n != null; n = n.next) {
                action.accept(n);
            }
        }
    }

    /**
     * Visits the bucket at {@code cursor} and returns the next cursor (0 when the scan is complete).
     * The visitor sees every entry of the bucket.
     */
    public long scan(long cursor, BiConsumer<? super K, ? super V> visitor) {
        if (size == 0) {
            return 0;
        }
        long mask = table.length - 1;
        for (Node<K, V> n = table[(int) (cursor & mask)]; n != null; n = n.next) {
            visitor.accept(n.key, n.value);
        }
        // increment the reversed cursor over the unmasked bits
        cursor |= ~mask;
        cursor = Long.reverse(cursor);
        cursor++;
        cursor = Long.reverse(cursor);
        return cursor;
    }

    /** A random entry (not uniformly fair, like Redis' dictGetRandomKey), or null when empty. */
    public Node<K, V> randomNode(LongSupplier random) {
        if (size == 0) {
            return null;
        }
        Node<K, V> head;
        int mask = table.length - 1;
        do {
            head = table[(int) (random.getAsLong() & mask)];
        } while (head == null);
        int len = 0;
        for (Node<K, V> n = head; n != null; n = n.next) {
            len++;
        }
        int pick = (int) Math.floorMod(random.getAsLong(), (long) len);
        Node<K, V> n = head;
        while (pick-- > 0) {
            n = n.next;
        }
        return n;
    }
}
