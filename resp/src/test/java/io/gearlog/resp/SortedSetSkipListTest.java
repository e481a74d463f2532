package io.gearlog.resp;

import org.junit.jupiter.api.Test;
import redis.clients.jedis.resps.Tuple;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The skiplist encoding under a long random workload: thousands of members (so nodes of every height, including
 * the rare ones above level 4), score updates that move members, removals and rank-range removals, checked against
 * a sorted model after every phase through order, ranks and scores.
 */
class SortedSetSkipListTest extends JedisTestBase {
    private record Entry(double score, String member) implements Comparable<Entry> {
        @Override
        public int compareTo(Entry o) {
            int c = Double.compare(score, o.score);
            return c != 0 ? c : member.compareTo(o.member);
        }
    }

    @Test
    void aLargeSortedSetKeepsOrderRanksAndScoresThroughRandomChanges() {
        Random rnd = new Random(42);
        TreeSet<Entry> model = new TreeSet<>();
        Map<String, Double> scores = new HashMap<>();
        for (int phase = 0; phase < 4; phase++) {
            for (int op = 0; op < 6000; op++) {
                String m = "m" + rnd.nextInt(5000);
                int kind = rnd.nextInt(10);
                if (kind < 7) {
                    // small integer scores give many ties, ordered by member
                    double s = rnd.nextInt(2000);
                    Double old = scores.put(m, s);
                    if (old != null) {
                        model.remove(new Entry(old, m));
                    }
                    model.add(new Entry(s, m));
                    j.zadd("z", s, m);
                } else {
                    Double old = scores.remove(m);
                    if (old != null) {
                        model.remove(new Entry(old, m));
                    }
                    assertEquals(old == null ? 0L : 1L, j.zrem("z", m));
                }
            }
            if (phase == 2) {
                // drop a middle slice by rank
                List<Entry> all = new ArrayList<>(model);
                for (Entry e : all.subList(100, 400)) {
                    model.remove(e);
                    scores.remove(e.member());
                }
                assertEquals(300L, j.zremrangeByRank("z", 100, 399));
            }
            assertEquals("skiplist", j.objectEncoding("z"));
            assertEquals(model.size(), j.zcard("z"));
            List<Tuple> got = j.zrangeWithScores("z", 0, -1);
            List<Entry> want = new ArrayList<>(model);
            assertEquals(want.size(), got.size());
            for (int i = 0; i < want.size(); i++) {
                assertEquals(want.get(i).member(), got.get(i).getElement(), "member at rank " + i);
                assertEquals(want.get(i).score(), got.get(i).getScore(), "score at rank " + i);
            }
            for (int k = 0; k < 200; k++) {
                int r = rnd.nextInt(want.size());
                Entry e = want.get(r);
                assertEquals((long) r, j.zrank("z", e.member()), "rank of " + e.member());
                assertEquals((long) (want.size() - 1 - r), j.zrevrank("z", e.member()));
                List<String> window = j.zrange("z", r, r + 2);
                assertEquals(want.subList(r, Math.min(r + 3, want.size())).stream().map(Entry::member).toList(), window);
            }
        }
    }
}
