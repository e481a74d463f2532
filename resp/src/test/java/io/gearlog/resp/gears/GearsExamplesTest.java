package io.gearlog.resp.gears;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The acceptance examples of spec examples.md that need no registrations and no fresh server (1-7, 9, 10, 15 and
 * the run() parts of the others), with their exact replies. One server for the class; each test flushes.
 */
@Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES)
class GearsExamplesTest extends GearsTestBase {
    @BeforeAll
    static void firstSession() {
        assertEquals("+OK", rg.call("RG.PYEXECUTE", "x = 1"));
    }

    @BeforeEach
    void flush() {
        assertEquals("+OK", rg.call("FLUSHALL"));
    }

    /** Skips a test that needs a command family other branches are still building. */
    private static void needs(String command) {
        String r = rg.call("COMMAND", "INFO", command);
        assumeTrue(!r.equals("[nil]"), command + " is not implemented in this build");
    }

    /** The results of a [[results], [errors]] reply as a sorted list, for replies of unspecified order. */
    private static List<String> sortedResults(String reply) {
        assertTrue(reply.startsWith("[[\"") && reply.endsWith("\"], []]"), reply);
        String inner = reply.substring(3, reply.length() - 7);
        String[] parts = inner.split("\", \"");
        Arrays.sort(parts);
        return Arrays.asList(parts);
    }

    // ---- 1. Empty run

    @Test
    void example1EmptyRun() {
        assertEquals("[[], []]", py("GB().run()"));
        assertEquals("[[], []]", py("GearsBuilder('KeysReader').count().run()"));
        assertEquals("+OK", py("x = 1"));
    }

    // ---- 2. KeysReader record shapes

    @Test
    void example2StringRecords() {
        rg.call("SET", "foo", "bar");
        assertEquals("[[\"{'event': None, 'key': 'foo', 'type': 'string', 'value': 'bar'}\"], []]", py("GB().run('foo')"));
        assertEquals("[[\"{'event': None, 'key': 'foo'}\"], []]", py("GB().run('foo', readValue=False)"));
        assertEquals("[[\"{'event': None, 'key': 'missing', 'type': 'empty', 'value': None}\"], []]",
                py("GB().run('missing', noScan=True)"));
        assertEquals("[[\"{'event': None, 'key': 'foo', 'type': 'string', 'value': 'bar'}\"], []]", py("GB().run('f*')"));
        assertEquals("[[], []]", py("GB().run('nosuch*')"));
    }

    @Test
    void example2OtherTypes() {
        needs("hset");
        needs("rpush");
        needs("sadd");
        needs("xadd");
        rg.call("SET", "foo", "bar");
        rg.call("HSET", "person:1", "name", "Rick Sanchez", "age", "70");
        rg.call("RPUSH", "mylist", "a", "b");
        rg.call("SADD", "myset", "x");
        rg.call("XADD", "st", "1-0", "f", "v");
        assertEquals("[[\"{'event': None, 'key': 'person:1', 'type': 'hash', 'value': {'age': '70', 'name': 'Rick Sanchez'}}\"], []]",
                py("GB().run('person:*')"));
        assertEquals("[[\"{'event': None, 'key': 'mylist', 'type': 'list', 'value': ['a', 'b']}\"], []]", py("GB().run('mylist')"));
        assertEquals("[[\"{'event': None, 'key': 'myset', 'type': 'set', 'value': None}\"], []]", py("GB().run('myset')"));
        assertEquals("[[\"{'event': None, 'key': 'st', 'type': 'unknown', 'value': None}\"], []]", py("GB().run('st')"));
        assertEquals("[[\"hash\", \"list\", \"set\", \"string\", \"unknown\"], []]", py("GB().map(lambda x: x['type']).sort().run()"));
    }

    // ---- 3. map / filter / avg / count / sort / aggregate

    @Test
    void example3Operations() {
        needs("hset");
        rg.call("HSET", "person:1", "name", "Rick Sanchez", "age", "70");
        rg.call("HSET", "person:2", "name", "Morty Smith", "age", "14");
        rg.call("SET", "foo", "bar");
        assertEquals("[[\"42.0\"], []]", py("GB().map(lambda x: int(x['value']['age'])).avg().run('person:*')"));
        assertEquals("[[\"3\"], []]", py("GB().count().run()"));
        assertEquals("[[\"Morty Smith\", \"Rick Sanchez\"], []]",
                py("GB().filter(lambda x: x['type'] == 'hash').map(lambda x: x['value']['name']).sort().run()"));
        assertEquals("[[\"Rick Sanchez\", \"Morty Smith\"], []]",
                py("GB().filter(lambda x: x['type'] == 'hash').map(lambda x: x['value']['name']).sort(reverse=False).run()"));
        assertEquals("[[\"70\"], []]", py("GB().map(lambda x: int(x['value']['age']))"
                + ".aggregate(0, lambda a, x: max(a, x), lambda a, x: max(a, x)).run('person:*')"));
    }

    @Test
    void example3OnStringsAndShards() {
        rg.call("SET", "a", "1");
        rg.call("SET", "b", "2");
        rg.call("SET", "c", "3");
        assertEquals("[[\"3\"], []]", py("GB().count().run()"));
        assertEquals("[[\"2.0\"], []]", py("GB().map(lambda x: x['value']).avg().run()"));
        assertEquals("[[\"1\", \"2\", \"3\"], []]", py("GB().map(lambda x: int(x['value'])).sort().run()"));
        assertEquals("[[\"3\", \"2\", \"1\"], []]", py("GB().map(lambda x: int(x['value'])).sort(reverse=False).run()"));
        assertEquals("[[\"21\"], []]",
                py("GB('ShardsIDReader').map(lambda x: 1).aggregate(10, lambda a, r: a + r, lambda a, r: a + r).run()"));
        assertEquals("[[\"1\", \"2\", \"3\"], []]", py("GB().map(lambda x: int(x['value']) % 4).distinct().sort().run()"));
    }

    // ---- 4. Word count

    @Test
    void example4WordCount() {
        rg.call("SET", "s1", "the quick brown fox");
        rg.call("SET", "s2", "the lazy dog");
        assertEquals(List.of("{'key': 'brown', 'value': 1}", "{'key': 'dog', 'value': 1}", "{'key': 'fox', 'value': 1}",
                        "{'key': 'lazy', 'value': 1}", "{'key': 'quick', 'value': 1}", "{'key': 'the', 'value': 2}"),
                sortedResults(py("GB().map(lambda x: x['value']).flatmap(lambda x: x.split()).countby().run()")));
    }

    // ---- 5. Grouping operations

    @Test
    void example5Grouping() {
        needs("hset");
        rg.call("HSET", "person:1", "name", "Rick Sanchez", "age", "70");
        rg.call("HSET", "person:2", "name", "Morty Smith", "age", "14");
        rg.call("HSET", "person:3", "name", "Summer Smith", "age", "17");
        String f = "lambda x: x['value']['name'].split(' ')[1]";
        List<String> counts = List.of("{'key': 'Sanchez', 'value': 1}", "{'key': 'Smith', 'value': 2}");
        assertEquals(counts, sortedResults(py("GB().countby(" + f + ").run('person:*')")));
        assertEquals(counts, sortedResults(py("GB().localgroupby(" + f + ", lambda k, a, r: (a if a else 0) + 1).run('person:*')")));
        assertEquals(counts, sortedResults(py("GB().groupby(" + f + ", lambda k, a, r: (a if a else 0) + 1).run('person:*')")));
        assertEquals(List.of("{'key': 'Sanchez', 'value': [70]}", "{'key': 'Smith', 'value': [14, 17]}"),
                sortedResults(py("GB().batchgroupby(" + f + ", lambda k, l: sorted(int(r['value']['age']) for r in l)).run('person:*')")));
        assertEquals(List.of("{'key': 'Sanchez', 'value': 70}", "{'key': 'Smith', 'value': 31}"),
                sortedResults(py("GB().aggregateby(" + f + ", 0, lambda k, a, r: a + int(r['value']['age']), lambda k, a, r: a + r).run('person:*')")));
        assertEquals("[[\"{'key': '8', 'value': '8'}\"], []]",
                py("GB().localgroupby(lambda x: len(x['key']), lambda k, a, r: k).run('person:1')"));
    }

    @Test
    void groupingOnStrings() {
        rg.call("SET", "user:1", "Rick Sanchez");
        rg.call("SET", "user:2", "Morty Smith");
        rg.call("SET", "user:3", "Summer Smith");
        String f = "lambda x: x['value'].split(' ')[1]";
        List<String> counts = List.of("{'key': 'Sanchez', 'value': 1}", "{'key': 'Smith', 'value': 2}");
        assertEquals(counts, sortedResults(py("GB().countby(" + f + ").run('user:*')")));
        assertEquals(counts, sortedResults(py("GB().groupby(" + f + ", lambda k, a, r: (a if a else 0) + 1).run('user:*')")));
        assertEquals(List.of("{'key': 'Sanchez', 'value': ['user:1']}", "{'key': 'Smith', 'value': ['user:2', 'user:3']}"),
                sortedResults(py("GB().batchgroupby(" + f + ", lambda k, l: sorted(r['key'] for r in l)).run('user:*')")));
        assertEquals("[[\"{'key': '6', 'value': '6'}\"], []]",
                py("GB().localgroupby(lambda x: len(x['key']), lambda k, a, r: k).run('user:1')"));
    }

    // ---- 6. flatmap order, limit, sort direction

    @Test
    void example6FlatmapLimitSort() {
        needs("rpush");
        rg.call("RPUSH", "l", "1", "2", "3", "4", "5");
        assertEquals("[[\"5\", \"4\", \"3\", \"2\", \"1\"], []]", py("GB().flatmap(lambda x: x['value']).run('l')"));
        assertEquals("[[\"4\", \"3\"], []]", py("GB().flatmap(lambda x: x['value']).limit(2, 1).run('l')"));
        assertEquals("[[\"1\", \"2\", \"3\", \"4\", \"5\"], []]", py("GB().flatmap(lambda x: x['value']).map(lambda x: int(x)).sort().run('l')"));
        assertEquals("[[\"5\", \"4\", \"3\", \"2\", \"1\"], []]",
                py("GB().flatmap(lambda x: x['value']).map(lambda x: int(x)).sort(reverse=False).run('l')"));
    }

    @Test
    void flatmapOrderAndLimitWithoutLists() {
        rg.call("SET", "l", "1 2 3 4 5");
        assertEquals("[[\"5\", \"4\", \"3\", \"2\", \"1\"], []]", py("GB().flatmap(lambda x: x['value'].split()).run('l')"));
        assertEquals("[[\"4\", \"3\"], []]", py("GB().flatmap(lambda x: x['value'].split()).limit(2, 1).run('l')"));
        assertEquals("[[\"4\"], []]", py("GB().flatmap(lambda x: ['5', '4', '3', '2', '1']).limit(1, 3).run('l')"));
        assertEquals("[[\"('a', 1)\"], []]", py("GB().flatmap(lambda x: ('a', 1)).run('l')"));
        assertEquals("[[], []]", py("GB().flatmap(lambda x: []).run('l')"));
    }

    // ---- 7. PythonReader, ShardsIDReader and reply conversion

    @Test
    void example7ReadersAndConversion() {
        String gen = "def gen():\n    for i in range(3):\n        yield i\nGB('PythonReader').run(gen)";
        assertEquals("[[\"0\", \"1\", \"2\"], []]", py(gen));
        assertEquals("[[:0, :1, :2], []]", py(gen.replace("run(gen)", "run(gen, convertToStr=False)")));
        assertEquals("[[\"1 {06S}\"], []]", py("GB('ShardsIDReader').map(lambda x: '%s {%s}' % (x, hashtag())).run()"));
        assertEquals("[[+OK], []]", py("GB('ShardsIDReader').map(lambda x: '+OK').run()"));
        assertEquals("[[-5], []]", py("GB('ShardsIDReader').map(lambda x: -5).run()"));
        assertEquals("[[[:1, \"a\", [\"2.500000\"], :1]], []]",
                py("GB('ShardsIDReader').map(lambda x: [1, 'a', [2.5], True]).run(convertToStr=False)"));
        assertEquals("[[\"PY RECORD\"], []]", py("GB('ShardsIDReader').map(lambda x: {'a': 1}).run(convertToStr=False)"));
        assertEquals("\"no cluster mode\"", rg.call("RG.INFOCLUSTER"));
        assertEquals("+OK", rg.call("RG.REFRESHCLUSTER"));
    }

    @Test
    void keysOnlyReader() {
        rg.call("SET", "k:1", "a");
        rg.call("SET", "k:2", "b");
        rg.call("SET", "other", "c");
        assertEquals(List.of("k:1", "k:2"), sortedResults(py("GB('KeysOnlyReader').run('k:*')")));
        assertEquals("[[\"other\"], []]", py("GB('KeysOnlyReader').run('other', noScan=True)"));
        assertEquals("[[], []]", py("GB('KeysOnlyReader').run('nosuch', noScan=True)"));
        assertEquals("[[\"k:1\"], []]", py("GB('KeysOnlyReader').run(patternGenerator=lambda: ('k:1', True))"));
        String quirk = py("GB('KeysOnlyReader').run('k:*', mode='async')");
        assertTrue(quirk.startsWith("-") && quirk.contains("unexpected keyword argument 'mode'"), quirk);
        String scan = py("GB('KeysOnlyReader').run('k:*', count='x')");
        assertTrue(scan.startsWith("[[], [\"") && scan.contains("ERR value is not an integer or out of range"), scan);
    }

    // ---- 9. Errors inside executions

    @Test
    void example9Errors() {
        rg.call("SET", "k1", "v1");
        assertEquals("[[], [\"bad k1\"]]", py("GB().foreach(lambda x: flat_error('bad ' + x['key'])).run()"));
        assertEquals("[+OK - value was saved in extra config dictionary]", rg.call("RG.CONFIGSET", "PythonAttemptTraceback", "0"));
        try {
            assertEquals("[[], [\"Error type: <class 'ZeroDivisionError'>, Value: division by zero\"]]", py("GB().map(lambda x: 1/0).run()"));
            assertEquals("[[], [\"Error type: <class 'KeyError'>, Value: 'nokey'\"]]", py("GB().accumulate(lambda a, r: r['nokey']).run()"));
            assertEquals("[[], [\"Error type: <class 'gears.error'>, Value: the given command must be a string\"]]",
                    py("GB().map(lambda x: execute(1)).run()"));
        } finally {
            assertEquals("[+OK - value was saved in extra config dictionary]", rg.call("RG.CONFIGSET", "PythonAttemptTraceback", "1"));
        }
        String tb = py("GB().map(lambda x: 1/0).run()");
        assertTrue(tb.startsWith("[[], [\"['Traceback (most recent call last):\\n'"), tb);
        assertTrue(tb.contains("ZeroDivisionError: division by zero"), tb);
        assertTrue(tb.contains("File \"<string>\", line 1, in <lambda>"), tb);
        rg.call("SET", "k2", "v2");
        String one = py("GB().map(lambda x: 1/0).run()");
        assertEquals(1, one.split("ZeroDivisionError").length - 1, "reading stops after the first error: " + one);
    }

    @Test
    void errorsInEveryOperation() {
        rg.call("SET", "k1", "v1");
        String[] failing = {
                "GB().map(lambda x: 1/0).run()",
                "GB().flatmap(lambda x: 1/0).run()",
                "GB().filter(lambda x: 1/0).run()",
                "GB().foreach(lambda x: 1/0).run()",
                "GB().accumulate(lambda a, x: 1/0).run()",
                "GB().localgroupby(lambda x: 1/0, lambda k, a, r: 1).run()",
                "GB().localgroupby(lambda x: 'k', lambda k, a, r: 1/0).run()",
                "GB().groupby(lambda x: 'k', lambda k, a, r: 1/0).run()",
                "GB().batchgroupby(lambda x: 1/0, lambda k, l: 1).run()",
                "GB().batchgroupby(lambda x: 'k', lambda k, l: 1/0).run()",
                "GB().repartition(lambda x: 1/0).run()",
                "GB().aggregate(0, lambda a, r: 1/0, lambda a, r: a).run()",
                "GB().countby(lambda x: 1/0).run()",
                "GB().avg(lambda x: 1/0).run()",
                "GB().map(lambda x: x['value']).sort().map(lambda x: 1/0).run()",
                "GB('PythonReader').run(lambda: (1/0 for _ in range(1)))",
        };
        for (String code : failing) {
            String r = py(code);
            assertTrue(r.startsWith("[[], [\"") && r.contains("ZeroDivisionError: division by zero") && r.endsWith("\"]]"),
                    code + " -> " + r);
            assertEquals(1, r.split("ZeroDivisionError: division").length - 1, code + " -> " + r);
        }
        // a failing accumulator emits nothing; a batchgroupby reducer that is not callable fails when called
        assertEquals("[[], [\"boom\"]]", py("GB().accumulate(lambda a, x: flat_error('boom')).run()"));
        String notCallable = py("GB().batchgroupby(lambda x: 'k', 5).run()");
        assertTrue(notCallable.contains("TypeError: 'int' object is not callable"), notCallable);
        assertEquals("[[], [\"boom\"]]", py("GB().map(lambda x: x).foreach(lambda x: flat_error('boom')).count().run()"));
    }

    @Test
    void sortOfIncomparableRecordsFails() {
        rg.call("SET", "a", "1");
        rg.call("SET", "b", "2");
        String r = py("GB().map(lambda x: 1 if x['key'] == 'a' else 'x').sort().run()");
        assertTrue(r.startsWith("[[], [\"") && r.contains("TypeError"), r);
        String d = py("GB().map(lambda x: {'k': 1}).distinct().run()");
        assertTrue(d.contains("TypeError: unhashable type"), d);
    }

    // ---- 10. Script and argument errors

    private static void assertErrorContains(String reply, String text) {
        assertTrue(reply.startsWith("-") && reply.contains(text), reply);
    }

    @Test
    void example10ScriptErrors() {
        assertErrorContains(py("GB().run()\nGB().run()"), "Can not run more then 1 executions in a single script");
        assertErrorContains(py("GB('NoSuchReader').run()"), "The given reader does not exists");
        assertErrorContains(py("GB().map(1).run()"), "map argument must be a function");
        assertErrorContains(py("GB().map(str).run()"), "map argument must be a function");
        assertErrorContains(py("GB('CommandReader').run()"), "Given reader do not support run or not exists");
        assertErrorContains(py("GB().run(mode='sync')"), "unknown execution mode");
        assertErrorContains(py("GB().run(mode=1)"), "execution mode must be a string");
        assertErrorContains(py("GB(1)"), "reader argument must be a string");
        assertErrorContains(py("GB(desc=1)"), "desc argument must be a string");
        assertErrorContains(py("GB().run(noScan=1)"), "exactMatch value is not boolean");
        assertErrorContains(py("GB().run(readValue='x')"), "readValue value is not boolean");
        assertErrorContains(py("GB().run(1)"), "regex argument must be a string");
        assertErrorContains(py("GB('PythonReader').run()"), "pyreader argument must be a function");
        assertErrorContains(py("GB().map()"), "wrong number of args to map function");
        assertErrorContains(py("GB().filter(lambda x: x, lambda x: x)"), "wrong number of args to filter function");
        assertErrorContains(py("GB().map(f=lambda x: x)"), "TypeError");
        assertErrorContains(py("GB().limit('a')"), "limit argument must be a number");
        assertErrorContains(py("GB().limit()"), "wrong number of args to limit function");
        assertErrorContains(py("GB().groupby(lambda x: x, 1)"), "groupby reducer argument must be a function");
        assertErrorContains(py("GB().batchgroupby(1, lambda k, l: l)"), "batchgroupby extractor argument must be a function");
        assertErrorContains(py("GB().collect(1)"), "wrong number of args to collect function");
        assertErrorContains(py("x = = 1"), "SyntaxError: invalid syntax");
        assertErrorContains(py("1defs"), "SyntaxError");
        assertErrorContains(py("undefined_name"), "NameError: name 'undefined_name' is not defined");
        assertEquals("-Unknown arguments were given: bogus", py("GB().run()", "bogus"));
        assertEquals("-ID must be compose of: ['A'-'Z' | 'a'-'z' | '0' - '9' | '-' | '_']", py("GB().run()", "ID", "bad id"));
        assertEquals("-ID is missing", py("GB().run()", "ID"));
        assertEquals("-DESCRIPTION is missing", py("GB().run()", "DESCRIPTION"));
        assertEquals("-REPLACE_WITH is missing", py("GB().run()", "REPLACE_WITH"));
        assertEquals("-Can not replace with nosuch, session does not exists.", py("GB().run()", "ID", "x", "REPLACE_WITH", "nosuch"));
        assertEquals("-Could not satisfy requirements, look at the log file for more information.",
                py("GB().run()", "REQUIREMENTS", "redis==4.3.1"));
        String id = py("GB().run()", "unblocking", "ID", "ok-id_1", "description", "d", "UPGRADE", "REQUIREMENTS");
        assertTrue(id.matches("\"0{40}-\\d+\""), id);
        assertEquals("-ERR wrong number of arguments for 'RG.PYEXECUTE' command", rg.call("RG.PYEXECUTE"));
        assertEquals("+OK", rg.call("MULTI"));
        assertEquals("+QUEUED", rg.call("RG.PYEXECUTE", "GB().run()"));
        assertEquals("[-Can not run gears inside a multi exec, lua, or when blocking is not allowed]", rg.call("EXEC"));
        String nested = py("GB('ShardsIDReader').map(lambda x: execute('RG.PYEXECUTE', 'x=1')).run()");
        assertTrue(nested.contains("gears.error: Can not run gears inside a multi exec, lua, or when blocking is not allowed"), nested);
    }

    // ---- 15. StreamReader batch read

    @Test
    void example15StreamReader() {
        needs("xadd");
        assertEquals("\"1-0\"", rg.call("XADD", "s", "1-0", "a", "1"));
        assertEquals("\"2-0\"", rg.call("XADD", "s", "2-0", "b", "2", "c", "3"));
        assertEquals("[[\"{'key': 's', 'id': '1-0', 'value': {'a': '1'}}\", \"{'key': 's', 'id': '2-0', 'value': {'c': '3', 'b': '2'}}\"], []]",
                py("GB('StreamReader').run('s')"));
        assertEquals("[[\"{'key': 's', 'id': '2-0', 'value': {'c': '3', 'b': '2'}}\"], []]", py("GB('StreamReader').run('s', fromId='1-0')"));
        assertEquals("[[], [\"ERR Invalid stream ID specified as stream command argument\"]]", py("GB('StreamReader').run('s', fromId='bad')"));
        assertEquals("[[], []]", py("GB('StreamReader').run('nosuch')"));
        rg.call("SET", "str", "x");
        assertEquals("[[], [\"WRONGTYPE Operation against a key holding the wrong kind of value\"]]", py("GB('StreamReader').run('str')"));
        assertErrorContains(py("GB('StreamReader').run('s', fromId=1)"), "fromId argument must be a string");
    }

    // ---- 18/19/21/22 parts that apply without registrations

    @Test
    void commandInterceptionHelpersOutsideHooks() {
        String r = py("GB('ShardsIDReader').map(lambda r: call_next(r)).run()");
        assertTrue(r.startsWith("[[], [\"") && r.contains("Can not get CommandHook ctx"), r);
        assertErrorContains(py("gearsFuture()"), "Future object can only be created inside certain execution steps");
        assertEquals("-ERR subcommand not found", rg.call("RG.TRIGGER", "nosuch"));
        assertEquals("-ERR wrong number of arguments for 'RG.TRIGGER' command", rg.call("RG.TRIGGER"));
        assertEquals("[]", rg.call("RG.DUMPREGISTRATIONS"));
        assertEquals("-execution is not registered", rg.call("RG.UNREGISTER", "0000000000000000000000000000000000000000-1"));
    }

    // ---- execute() and builtins

    @Test
    void executeConvertsRepliesAndRaisesErrors() {
        rg.call("SET", "n", "5");
        assertEquals("[[\"['OK', 6, '6', None, ['n']]\"], []]", py("GB('ShardsIDReader').map(lambda x: "
                + "[execute('SET', 'm', 1), execute('INCR', 'n'), execute('GET', 'n'), execute('GET', 'nosuch'), "
                + "execute('KEYS', 'n')]).run()"));
        assertEquals("\"1\"", rg.call("GET", "m"));
        assertEquals("[[\"[]\"], []]", py("GB('ShardsIDReader').map(lambda x: execute()).run()"));
        String arity = py("GB('ShardsIDReader').map(lambda x: execute('INCR', 'm', 'x')).run()");
        assertTrue(arity.contains("gears.error: Invalid argument"), arity);
        String unknown = py("GB('ShardsIDReader').map(lambda x: execute('NOSUCHCMD')).run()");
        assertTrue(unknown.contains("gears.error: No such file or directory"), unknown);
        rg.call("SET", "s", "text");
        String err = py("GB('ShardsIDReader').map(lambda x: execute('INCR', 's')).run()");
        assertTrue(err.contains("gears.error: ERR value is not an integer or out of range"), err);
        assertEquals("[[\"caught\"], []]", py("def f(x):\n    try:\n        execute('INCR', 's')\n    except Exception as e:\n"
                + "        return 'caught'\nGB('ShardsIDReader').map(f).run()"));
        assertEquals("+OK", py("execute('SET', 'from-script', 'yes')"));
        assertEquals("\"yes\"", rg.call("GET", "from-script"));
        assertEquals("[[\"bytearray(b'\\xff\\x00')\"], []]",
                py("execute('SET', 'bin', b'\\xff\\x00')\nGB('ShardsIDReader').map(lambda x: execute('GET', 'bin')).run()"));
    }

    @Test
    void atomicBlocksAndLog() {
        assertEquals("[[\"[1, 1]\"], []]", py("def f(x):\n    with atomic():\n        a = execute('INCR', 'a')\n"
                + "        b = execute('INCR', 'b')\n    return [a, b]\nGB('ShardsIDReader').map(f).run()"));
        String nested = py("def f(x):\n    with atomic():\n        with atomic():\n            pass\nGB('ShardsIDReader').map(f).run()");
        assertTrue(nested.contains("Already inside an atomic block"), nested);
        assertEquals("[[\"None\"], []]", py("GB('ShardsIDReader').map(lambda x: log('hello from a test')).run()"));
        String badLevel = py("GB('ShardsIDReader').map(lambda x: log('m', level='loud')).run()");
        assertTrue(badLevel.contains("Log level should be one of the following : debug,verbose,notice,warning"), badLevel);
        assertEquals("+PONG", rg.call("PING"));
    }

    @Test
    void nestedRunInsideAnExecution() {
        rg.call("SET", "a", "1");
        rg.call("SET", "b", "2");
        assertEquals("[[\"[['2'], []]\"], []]",
                py("def f(x):\n    r = GB().count().run()\n    return r.value\nGB('ShardsIDReader').map(f).run()"));
        assertEquals("[]", rg.call("RG.DUMPEXECUTIONS"));
    }

    // ---- sandbox

    @Test
    void sandboxDeniesHostAccess() {
        String[][] probes = {
                {"open('/etc/passwd').read()", "PermissionError"},
                {"__import__('os').listdir('/')", "PermissionError"},
                {"__import__('subprocess').run(['ls'])", "PermissionError"},
                {"__import__('os').system('ls')", "PermissionError: creating processes is not allowed in Gearlog's Python sandbox"},
                {"__import__('socket').socket().connect(('127.0.0.1', 22))", "PermissionError: network access is not allowed in Gearlog's Python sandbox"},
                {"__import__('threading').Thread(target=print).start()", "PermissionError: creating threads is not allowed in Gearlog's Python sandbox"},
                {"__import__('java')", "ImportError: import of 'java' is not allowed in Gearlog's Python sandbox"},
                {"__import__('polyglot').eval(language='js', string='1')", "polyglot access is not allowed"},
                {"__import__('sys').exit(3)", "SystemExit: 3"},
        };
        for (String[] p : probes) {
            String r = py("GB('ShardsIDReader').map(lambda x: " + p[0] + ").run()");
            assertTrue(r.startsWith("[[], [\"") && r.contains(p[1]), p[0] + " -> " + r);
            assertTrue(!r.contains("java.lang") && !r.contains("com.oracle"), p[0] + " -> " + r);
            String script = py(p[0]);
            assertTrue(script.startsWith("-") && script.contains(p[1]), p[0] + " -> " + script);
        }
        assertEquals("[[\"ok\"], []]", py("GB('ShardsIDReader').map(lambda x: 'ok').run()"));
    }

    @Test
    void standardLibraryImports() {
        assertEquals("+OK", py("import json, re, collections, datetime, decimal, hashlib, itertools, functools, math, "
                + "statistics, dataclasses, typing, enum, heapq, bisect, string, textwrap, struct, base64, zlib, uuid, "
                + "random, copy, pickle, operator, fractions, queue, contextlib, io, csv, urllib.parse, html, difflib, "
                + "pprint, logging, unicodedata, array, binascii, marshal, types, weakref, traceback, inspect, fnmatch, "
                + "secrets, hmac, ipaddress, numbers, codecs, keyword, ast\n"
                + "json.dumps(datetime.datetime.now().isoformat()); uuid.uuid4(); secrets.token_hex(4)"));
    }

    @Test
    void determinismPatchesSeeEngineTime() {
        String r = py("import time, datetime, random\n"
                + "GB('ShardsIDReader').map(lambda x: abs(time.time() - int(execute('TIME')[0])) < 5 and "
                + "datetime.datetime.now().year >= 2024 and 0 <= random.random() < 1).run()");
        assertEquals("[[\"True\"], []]", r);
    }
}
