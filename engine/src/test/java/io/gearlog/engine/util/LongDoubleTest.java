package io.gearlog.engine.util;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The emulated x87 long double against INCRBYFLOAT results recorded from redis-server 7.0.15 on x86-64: each case
 * is (stored value, increment, reply), with "$" for a bulk reply and "-" for an error.
 */
class LongDoubleTest {
    private static final String[][] CASES = {
            {"0", "0.1", "$0.1"},
            {"0.1", "0.2", "$0.3"},
            {"10.5", "0.1", "$10.6"},
            {"5000", "-1.1", "$4998.89999999999999991"},
            {"1e300", "1", "$1000000000000000000008997324079559193870523944273290747938260082321265646596180935755849152083750497190350372508614274835903592556184672983913096260520748646287327135641843653294084255107606016789726652932370030551382947620994540294772781889620606179267611627097410650567187386105690089424915104006144"},
            {"1.7976931348623157e308", "1.7976931348623157e308", "$359538626972463139991842093548208868096772893888658356970628841530353257046248792709403737216774171128857586838851041378617416726902272110715794556052955234146997955372576789671236326588091188869859074894581254961338834769297758245552436667197907705664206565009503223382416235440319971852753604933726679072768"},
            {"3.0", "0", "$3"},
            {"-0", "-0", "$0"},
            {"1e-20", "1", "$1"},
            {"123456789012345678901234567890", "0.000001", "$123456789012345678899921813504"},
            {"0x1p-1074", "0", "$0"},
            {"1e4932", "1e4932", "-ERR increment would produce NaN or Infinity"},
            {"0.1", "-0.1", "$0"},
            {"2.5", "-5", "$-2.5"},
            {"9007199254740993", "0", "$9007199254740993"},
            {"1.1", "2.2", "$3.3"},
            {"1e-4940", "0", "$0"},
            {"-1e-4940", "0", "$0"},
            {"4.9e-324", "0", "$0"},
            {"1.5e-323", "1e-323", "$0"},
            {"0x10", "0x1.8p1", "$19"},
            {".5", "1.", "$1.5"},
            {"100", "1e2", "$200"},
            {"1e17", "1", "$100000000000000001"},
            {"1e18", "0.5", "$1000000000000000000.5"},
            {"-1e18", "0.5", "$-999999999999999999.5"},
            {"99.99999999999999999", "0", "$99.99999999999999999"},
            {"0.3", "0", "$0.3"},
            {"8.9573072122", "-8.6e+09", "$-8599999991.04269278794527054"},
            {"-2.686e-22", "-5.7060363832867663e-20", "$0"},
            {"-1.6365569725848e-10", "1.02e-22", "$-0.0000000001636557"},
            {"-7.523960777007087663e-11", "895417884914.0112305", "$895417884914.01123052835464478"},
            {"-2.066390506984396931e-11", "1.1e-17", "$-0.00000000002066389"},
            {"-1617219129", "1.418e+10", "$12562780871"},
            {"-7.93889e+11", "-2.552049e+10", "$-819409490000"},
            {"1.29e+14", "-7.17101e+07", "$128999928289900"},
            {"55445.754996161", "0.08468827672777229365", "$55445.83968443772777235"},
            {"-5.031468303e-14", "-8.3628998e-06", "$-0.00000836289985031"},
            {"-9.7672808894888736e-06", "-4.24124470219627e-21", "$-0.00000976728088949"},
            {"2.387e-16", "-6960309.3068", "$-6960309.3067999999998392"},
            {"0", "abc", "-ERR value is not a valid float"},
            {"0", "nan", "-ERR value is not a valid float"},
            {"0", "1e5000", "-ERR value is not a valid float"},
            {"0", "1e-5000", "-ERR value is not a valid float"},
            {"0", " 1", "-ERR value is not a valid float"},
            {"0", "1 ", "-ERR value is not a valid float"},
            {"0", "inf", "-ERR increment would produce NaN or Infinity"},
            {"0", "-inf", "-ERR increment would produce NaN or Infinity"},
            {"0", "0x", "-ERR value is not a valid float"},
            {"0", "1e", "-ERR value is not a valid float"},
            {"0", "", "-ERR value is not a valid float"},
            {"0", ".", "-ERR value is not a valid float"},
            {"0", "+", "-ERR value is not a valid float"},
            {"0", "infinity", "-ERR increment would produce NaN or Infinity"}
    };

    private static String incrbyfloat(String stored, String increment) {
        LongDouble cur = LongDouble.parse(stored.getBytes(StandardCharsets.ISO_8859_1));
        LongDouble inc = LongDouble.parse(increment.getBytes(StandardCharsets.ISO_8859_1));
        if (cur == null || inc == null) {
            return "-ERR value is not a valid float";
        }
        LongDouble sum = cur.add(inc);
        if (sum == null || sum.isInfinite()) {
            return "-ERR increment would produce NaN or Infinity";
        }
        return "$" + sum.toHumanString();
    }

    @Test
    void matchesRedisDigitForDigit() {
        for (String[] c : CASES) {
            assertEquals(c[2], incrbyfloat(c[0], c[1]), () -> c[0] + " + " + c[1]);
        }
    }

    @Test
    void infinitiesOfOppositeSignsMakeNaN() {
        LongDouble inf = LongDouble.parse("inf".getBytes(StandardCharsets.US_ASCII));
        LongDouble minusInf = LongDouble.parse("-infinity".getBytes(StandardCharsets.US_ASCII));
        assertEquals(null, inf.add(minusInf));
        assertEquals("inf", inf.add(LongDouble.ZERO).toHumanString());
    }
}
