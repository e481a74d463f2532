package io.gearlog.engine.python;

import io.gearlog.engine.gears.GearsService;
import io.gearlog.engine.gears.RedisDictOrder;
import io.gearlog.engine.gears.Replies;
import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.proxy.ProxyArray;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Java data to Python values inside one worker's context: strings become {@code str} (or {@code bytearray}
 * when not UTF-8), replies become lists/ints/None (runtime.md section 2), reader records become the dicts of
 * spec README section 6.1 with the dict order of section 6.4. Worker thread only.
 */
final class Convert {
    private final Value mkDict;
    private final Value mkList;
    private final Value mkBytearray;
    private final Value mkStream;

    Convert(Value gears) {
        mkDict = gears.getMember("mk_dict");
        mkList = gears.getMember("mk_list");
        mkBytearray = gears.getMember("mk_bytearray");
        mkStream = gears.getMember("mk_stream");
    }

    /** A Python str for UTF-8 bytes, else a bytearray. */
    Object str(byte[] b) {
        String s = utf8(b);
        if (s != null) {
            return s;
        }
        return mkBytearray.execute(new String(b, StandardCharsets.ISO_8859_1));
    }

    static String utf8(byte[] b) {
        boolean ascii = true;
        for (byte x : b) {
            if (x < 0) {
                ascii = false;
                break;
            }
        }
        if (ascii) {
            return new String(b, StandardCharsets.ISO_8859_1);
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /** A command reply as execute() returns it. Top-level errors are handled by the caller. */
    Object reply(Object r) {
        if (r == null || r instanceof Long || r instanceof String) {
            return r;
        }
        if (r instanceof byte[] b) {
            return str(b);
        }
        if (r instanceof Replies.Error e) {
            return e.message();
        }
        List<?> l = (List<?>) r;
        Object[] out = new Object[l.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = reply(l.get(i));
        }
        return list(out);
    }

    Value list(Object[] elements) {
        return mkList.execute(ProxyArray.fromArray(elements));
    }

    /**
     * A batch of KeysReader records, flat for Python to build the dicts in one loop: key names only without
     * values, else {@code key, type, value} triples where a hash value is its field/value pairs in dict order and
     * a list value its elements.
     */
    ProxyArray keysBatch(List<GearsService.ReaderRecord> records, boolean readValue) {
        Object[] out = new Object[records.size() * (readValue ? 3 : 1)];
        int j = 0;
        for (GearsService.ReaderRecord r : records) {
            out[j++] = str(r.key());
            if (!readValue) {
                continue;
            }
            out[j++] = r.type();
            Object value = r.value();
            Object v = null;
            if (value instanceof byte[] b) {
                v = str(b);
            } else if (value instanceof Replies.Hash h) {
                v = orderedPairs(h.flat());
            } else if (value instanceof List<?> l) {
                Object[] elems = new Object[l.size()];
                for (int i = 0; i < elems.length; i++) {
                    elems[i] = str((byte[]) l.get(i));
                }
                v = ProxyArray.fromArray(elems);
            }
            out[j++] = v;
        }
        return ProxyArray.fromArray(out);
    }

    /** A dict built from field/value pairs (in source order), iterating like RedisGears' native dict. */
    Value hash(List<byte[]> flat) {
        return mkDict.execute(orderedPairs(flat));
    }

    /** Field/value pairs (source order, duplicates merged) reordered as RedisGears' native dict iterates them. */
    private ProxyArray orderedPairs(List<byte[]> flat) {
        List<byte[]> names = new ArrayList<>(flat.size() / 2);
        List<byte[]> values = new ArrayList<>(flat.size() / 2);
        for (int i = 0; i + 1 < flat.size(); i += 2) {
            int dup = indexOf(names, flat.get(i));
            if (dup >= 0) {
                values.set(dup, flat.get(i + 1));
            } else {
                names.add(flat.get(i));
                values.add(flat.get(i + 1));
            }
        }
        List<Integer> order = RedisDictOrder.order(names);
        Object[] out = new Object[names.size() * 2];
        int j = 0;
        for (int idx : order) {
            out[j++] = str(names.get(idx));
            out[j++] = str(values.get(idx));
        }
        return ProxyArray.fromArray(out);
    }

    private static int indexOf(List<byte[]> l, byte[] b) {
        if (l.size() > 64) {
            return -1;
        }
        for (int i = 0; i < l.size(); i++) {
            if (java.util.Arrays.equals(l.get(i), b)) {
                return i;
            }
        }
        return -1;
    }

    /** A StreamReader record: {'key', 'id', 'value'}. */
    Value streamRecord(byte[] key, byte[] id, List<byte[]> fields) {
        return mkStream.execute(str(key), str(id), hash(fields));
    }

    /** Python's repr() of a str, for error strings built in Java. */
    static String pyRepr(String s) {
        char q = s.indexOf('\'') >= 0 && s.indexOf('"') < 0 ? '"' : '\'';
        StringBuilder sb = new StringBuilder().append(q);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c == q) {
                        sb.append('\\').append(c);
                    } else if (c < 32 || c == 127) {
                        sb.append(String.format("\\x%02x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append(q).toString();
    }
}
