package io.gearlog.engine.gears;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The dict orders the spec pre-computed (README section 6.4). */
class RedisDictOrderTest {
    private static List<String> order(String... names) {
        List<byte[]> b = new ArrayList<>();
        for (String n : names) {
            b.add(n.getBytes(StandardCharsets.UTF_8));
        }
        List<String> out = new ArrayList<>();
        for (int i : RedisDictOrder.order(b)) {
            out.add(names[i]);
        }
        return out;
    }

    @Test
    void keysReaderRecord() {
        assertEquals(List.of("event", "key", "type", "value"), order("key", "value", "type", "event"));
        assertEquals(List.of("event", "key"), order("key", "event"));
    }

    @Test
    void streamRecord() {
        assertEquals(List.of("key", "id", "value"), order("id", "value", "key"));
    }

    @Test
    void hashFields() {
        assertEquals(List.of("age", "name"), order("name", "age"));
        assertEquals(List.of("body", "title"), order("title", "body"));
        assertEquals(List.of("action", "user"), order("user", "action"));
        assertEquals(List.of("f1", "f2", "f5", "f6", "f3", "f4"), order("f1", "f2", "f3", "f4", "f5", "f6"));
        assertEquals(List.of("c", "b"), order("b", "c"));
        assertEquals(List.of("a"), order("a"));
    }
}
