package dev.syncmat.core.op;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigDecimal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PayloadTest {
    private static final String ROCKET = "\uD83D\uDE80"; // U+1F680, UTF-8 F0 9F 9A 80
    private static final String FULLWIDTH_TILDE = "\uFF5E"; // UTF-8 EF BD 9E

    private static String canonical(String json) {
        return Payload.parse(json).json();
    }

    @Test
    void objectKeysAreSortedAndWhitespaceIsRemoved() {
        assertThat(canonical(" {\n  \"b\" : 1 ,\t\"a\" : [ 1 , 2 ] ,\r\n \"A\": true, \"aa\": null }\n"))
                .isEqualTo("{\"A\":true,\"a\":[1,2],\"aa\":null,\"b\":1}");
    }

    @Test
    void objectKeysAreSortedInUtf8ByteOrderNotUtf16Order() {
        String json = "{\"" + ROCKET + "\":1,\"" + FULLWIDTH_TILDE + "\":2,\"\u00E9\":3,\"z\":4}";
        assertThat(canonical(json)).isEqualTo("{\"z\":4,\"\u00E9\":3,\"" + FULLWIDTH_TILDE + "\":2,\"" + ROCKET + "\":1}");
    }

    @Test
    void nestedObjectsAndArraysAreCanonicalizedRecursively() {
        String json = "{\"z\": {\"y\": [3, {\"b\": true, \"a\": null}, []], \"x\": \"s\"}, \"a\": [ ], \"m\": {}}";
        assertThat(canonical(json)).isEqualTo("{\"a\":[],\"m\":{},\"z\":{\"x\":\"s\",\"y\":[3,{\"a\":null,\"b\":true},[]]}}");
    }

    @Test
    void arrayOrderIsKept() {
        assertThat(canonical("[3, 1, 2]")).isEqualTo("[3,1,2]");
        assertThat(Payload.parse("[1,2]")).isNotEqualTo(Payload.parse("[2,1]"));
    }

    @Test
    void scalarsAreValidPayloads() {
        assertThat(canonical("true")).isEqualTo("true");
        assertThat(canonical("false")).isEqualTo("false");
        assertThat(canonical(" null ")).isEqualTo("null");
        assertThat(canonical("\"s\"")).isEqualTo("\"s\"");
        assertThat(canonical("-12")).isEqualTo("-12");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "1.0 | 1",
            "1.50 | 1.5",
            "-0 | 0",
            "-0.0 | 0",
            "0.000 | 0",
            "1e2 | 100",
            "1E+2 | 100",
            "100e-2 | 1",
            "-1.250e1 | -12.5",
            "1E21 | 1e+21",
            "1.5e21 | 1.5e+21",
            "-1.5E21 | -1.5e+21",
            "1e20 | 100000000000000000000",
            "0.000001 | 0.000001",
            "1e-6 | 0.000001",
            "1e-7 | 1e-7",
            "1.5e-7 | 1.5e-7",
            "-0.00000015 | -1.5e-7",
            "12345678901234567890 | 12345678901234567890",
            "123456789012345678901 | 123456789012345678901",
            "0.1000000000000000055511151231257827 | 0.1000000000000000055511151231257827",
    })
    void numbersTakeTheDocumentedForm(String input, String expected) {
        assertThat(canonical(input)).isEqualTo(expected);
        assertThat(canonical("[" + input + "]")).isEqualTo("[" + expected + "]");
    }

    @Test
    void hugeIntegerKeepsEveryDigit() {
        // Decimal exponent 29 is outside -6..20, so the documented form is exponential; no digit is lost
        // (RFC 8785 would round it to the double 1.2345678901234568e+29).
        String canonical = canonical("123456789012345678901234567890");
        assertThat(canonical).isEqualTo("1.2345678901234567890123456789e+29");
        assertThat(new BigDecimal(canonical)).isEqualByComparingTo(new BigDecimal("123456789012345678901234567890"));
    }

    @Test
    void preciseDecimalIsNotRoundedToADouble() {
        // The double nearest to this text is 0.1, which a double-based canonicalizer would print.
        assertThat(Double.parseDouble("0.1000000000000000055511151231257827")).isEqualTo(0.1);
        assertThat(Payload.parse("0.1000000000000000055511151231257827")).isNotEqualTo(Payload.parse("0.1"));
    }

    /**
     * RFC 8785 appendix B: IEEE 754 bit patterns and the text JCS prints for them. Each input is the
     * same double in another notation; the test checks both texts against the bit pattern first, so a
     * typo in the table cannot pass unnoticed.
     */
    @ParameterizedTest(name = "{0}: {1} -> {2}")
    @CsvSource(delimiter = '|', value = {
            "0000000000000000 | 0.000 | 0",
            "8000000000000000 | -0.0 | 0",
            "0000000000000001 | 0.5e-323 | 5e-324",
            "8000000000000001 | -5E-324 | -5e-324",
            "7fefffffffffffff | 17976931348623157e292 | 1.7976931348623157e+308",
            "4340000000000000 | 9.007199254740992E15 | 9007199254740992",
            "c340000000000000 | -9.007199254740992e+15 | -9007199254740992",
            "4430000000000000 | 2.9514790517935283e20 | 295147905179352830000",
            "44b52d02c7e14af5 | 99999999999999970000000 | 9.999999999999997e+22",
            "44b52d02c7e14af6 | 100000000000000000000000 | 1e+23",
            "44b52d02c7e14af7 | 1.0000000000000001E23 | 1.0000000000000001e+23",
            "444b1ae4d6e2ef4e | 9.999999999999997e20 | 999999999999999700000",
            "444b1ae4d6e2ef4f | 9.999999999999999e20 | 999999999999999900000",
            "444b1ae4d6e2ef50 | 1000000000000000000000.0 | 1e+21",
            "3eb0c6f7a0b5ed8c | 0.0000009999999999999997 | 9.999999999999997e-7",
            "3eb0c6f7a0b5ed8d | 1e-6 | 0.000001",
            "41b3de4355555553 | 3.333333333333332e8 | 333333333.3333332",
            "41b3de4355555554 | 3.3333333333333325E8 | 333333333.33333325",
            "41b3de4355555557 | 333333333.333333430 | 333333333.33333343",
            "becbf647612f3696 | -3.3333333333333333E-6 | -0.0000033333333333333333",
            "43143ff3c1cb0959 | 14249539237812062e-1 | 1424953923781206.2",
    })
    void shortestDoubleFormsMatchRfc8785(String hexBits, String input, String rfc8785) {
        long bits = Long.parseUnsignedLong(hexBits, 16);
        double value = Double.longBitsToDouble(bits);
        assertThat(Double.parseDouble(rfc8785)).as("table entry").isEqualTo(value == 0 ? 0.0 : value);
        assertThat(Double.parseDouble(input)).as("input").isEqualTo(value);
        assertThat(canonical(input)).isEqualTo(rfc8785);
    }

    @Test
    void stringsEscapeOnlyQuoteBackslashAndControlCharacters() {
        String input = "\"q\\\"b\\\\s\\/n\\nt\\tr\\rb\\bf\\fc\\u0001d\\u001Fe\\u007Ff/g\\u00e9h\\u20ACi\\ud83d\\ude80\"";
        String expected = "\"q\\\"b\\\\s/n\\nt\\tr\\rb\\bf\\fc\\u0001d\\u001fe\u007Ff/g\u00E9h\u20ACi" + ROCKET + "\"";
        assertThat(canonical(input)).isEqualTo(expected);
    }

    @Test
    void controlCharacterEscapesUseLowerCaseHex() {
        assertThat(canonical("\"\\u001B\\u001a\"")).isEqualTo("\"\\u001b\\u001a\"");
    }

    @Test
    void objectKeysAreEscapedLikeStrings() {
        assertThat(canonical("{\"a\\\"\\u0001\\u00e9\":1}")).isEqualTo("{\"a\\\"\\u0001\u00E9\":1}");
    }

    @Test
    void duplicateKeysAreRejected() {
        assertThatThrownBy(() -> Payload.parse("{\"a\":1,\"a\":2}"))
                .isInstanceOfSatisfying(InvalidOpException.class, e -> assertThat(e.field()).isEqualTo("payload"))
                .hasMessageContaining("payload is not valid JSON")
                .hasMessageContaining("Duplicate field 'a'");
    }

    @Test
    void duplicateKeysInANestedObjectAreRejected() {
        assertThatThrownBy(() -> Payload.parse("{\"x\":[{\"k\":1,\"k\":1}]}"))
                .isInstanceOfSatisfying(InvalidOpException.class, e -> assertThat(e.field()).isEqualTo("payload"));
    }

    @Test
    void keysThatDifferOnlyInEscapingAreDuplicates() {
        assertThatThrownBy(() -> Payload.parse("{\"a\":1,\"\\u0061\":2}"))
                .isInstanceOfSatisfying(InvalidOpException.class, e -> assertThat(e.field()).isEqualTo("payload"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "{", "{\"a\":}", "{a:1}", "'x'", "[1,]", "{\"a\":1,}", "NaN", "01", "\"unterminated",
            "tru", "[1 2]", "\"raw\ttab\"", "1e99999999999", "[1e-2147483648]", "{\"a\":1e2147483648}"})
    void invalidJsonIsRejected(String json) {
        assertThatThrownBy(() -> Payload.parse(json))
                .isInstanceOfSatisfying(InvalidOpException.class, e -> {
                    assertThat(e.field()).isEqualTo("payload");
                    assertThat(e.opId()).isNull();
                })
                .hasMessageStartingWith("payload is not valid JSON: ");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{} {}", "1 2", "[1] x", "null null", "\"a\" ,"})
    void trailingTokensAreRejected(String json) {
        assertThatThrownBy(() -> Payload.parse(json))
                .isInstanceOfSatisfying(InvalidOpException.class, e -> assertThat(e.field()).isEqualTo("payload"))
                .hasMessageStartingWith("payload is not valid JSON: ");
    }

    @Test
    void loneSurrogateInAStringIsRejected() {
        assertThatThrownBy(() -> Payload.parse("\"\\ud800\""))
                .isInstanceOfSatisfying(InvalidOpException.class, e -> assertThat(e.field()).isEqualTo("payload"))
                .hasMessageContaining("unpaired surrogate")
                .hasMessageContaining("\\ud800");
        assertThatThrownBy(() -> Payload.parse("[\"ok\", \"x\\udc00\"]"))
                .isInstanceOfSatisfying(InvalidOpException.class, e -> assertThat(e.field()).isEqualTo("payload"))
                .hasMessageContaining("\\udc00");
    }

    @Test
    void loneSurrogateInAKeyIsRejected() {
        // The parser itself refuses a high surrogate without its low half in a key; the canonicalizer
        // catches a lone low surrogate. Either way it is the payload's error and names the surrogate.
        assertThatThrownBy(() -> Payload.parse("{\"\\udbff\":1}"))
                .isInstanceOfSatisfying(InvalidOpException.class, e -> assertThat(e.field()).isEqualTo("payload"))
                .hasMessageContaining("surrogate");
        assertThatThrownBy(() -> Payload.parse("{\"\\udc00\":1}"))
                .isInstanceOfSatisfying(InvalidOpException.class, e -> assertThat(e.field()).isEqualTo("payload"))
                .hasMessageContaining("surrogate");
    }

    @Test
    void nulInAStringIsKeptAsAnEscape() {
        // U+0000 cannot be stored in PostgreSQL text, but the canonical form escapes it, so what is
        // stored is six ASCII characters: a backslash, "u" and four zeros.
        Payload p = Payload.parse("{\"a\":\"x\\u0000\"}");
        assertThat(p.json()).isEqualTo("{\"a\":\"x\\u0000\"}");
        assertThat(p.json()).doesNotContain("\u0000");
    }

    @Test
    void jsonTextsThatAreEqualAsValuesGiveEqualPayloads() {
        Payload a = Payload.parse("{\"a\":1.0,\"b\":[1e2,\"\\u00e9\"],\"c\":{\"y\":-0,\"x\":\"\\/\"}}");
        Payload b = Payload.parse("{ \"c\" : { \"x\" : \"/\", \"y\" : 0 }, \"b\" : [ 100, \"\u00E9\" ], \"a\" : 1 }");
        assertThat(a).isEqualTo(b);
        assertThat(a.hashCode()).isEqualTo(b.hashCode());
        assertThat(Payload.compare(a, b)).isZero();
        assertThat(a.json()).isEqualTo("{\"a\":1,\"b\":[100,\"\u00E9\"],\"c\":{\"x\":\"/\",\"y\":0}}");
    }

    @Test
    void differentValuesGiveDifferentPayloads() {
        assertThat(Payload.parse("{\"a\":1}")).isNotEqualTo(Payload.parse("{\"a\":\"1\"}"));
        assertThat(Payload.parse("1")).isNotEqualTo(Payload.parse("1.01"));
        assertThat(Payload.parse("null")).isNotEqualTo(Payload.parse("\"null\""));
        assertThat(Payload.parse("{}")).isNotEqualTo(null);
    }

    @Test
    void utf8LengthCountsBytesOfTheCanonicalText() {
        assertThat(Payload.parse(" \"abc\" ").utf8Length()).isEqualTo(5);
        assertThat(Payload.parse("\"\u00E9\"").utf8Length()).isEqualTo(1 + 2 + 1);
        assertThat(Payload.parse("\"\u20AC\"").utf8Length()).isEqualTo(1 + 3 + 1);
        assertThat(Payload.parse("\"\\ud83d\\ude80\"").utf8Length()).isEqualTo(1 + 4 + 1);
        // {"é":"€🚀"}: braces, four quotes and the colon are 7 bytes, é 2, € 3, 🚀 4
        assertThat(Payload.parse("{ \"\u00E9\" : \"\u20AC" + ROCKET + "\" }").utf8Length()).isEqualTo(16);
        // escapes count as written: "\n" is two bytes, "\u0001" six
        assertThat(Payload.parse("\"\\n\\u0001\"").utf8Length()).isEqualTo(10);
    }

    @Test
    void compareOrdersByUtf8BytesOfTheCanonicalText() {
        Payload tilde = Payload.parse("\"" + FULLWIDTH_TILDE + "\"");
        Payload rocket = Payload.parse("\"" + ROCKET + "\"");
        assertThat(tilde.json().compareTo(rocket.json())).as("UTF-16 order").isPositive();
        assertThat(Payload.compare(tilde, rocket)).isNegative();
        assertThat(Payload.compare(rocket, tilde)).isPositive();
        assertThat(Payload.compare(Payload.parse("\"aaa\""), Payload.parse("\"zzz\""))).isNegative();
        assertThat(Payload.compare(Payload.parse("{\"b\":1,\"a\":2}"), Payload.parse("{\"a\":2,\"b\":1}"))).isZero();
        // canonical text, not the input, is compared: {"a":2} < {"b":1} even though the input starts with "b"
        assertThat(Payload.compare(Payload.parse("{\"a\":2}"), Payload.parse("{\"b\":1}"))).isNegative();
    }

    @Test
    void toStringIsTheCanonicalText() {
        assertThat(Payload.parse("{ \"b\":1, \"a\":2 }")).hasToString("{\"a\":2,\"b\":1}");
    }

    @Test
    void ofCanonicalJsonWrapsTheTextAsIs() {
        Payload p = Payload.ofCanonicalJson("{\"a\":1}");
        assertThat(p.json()).isEqualTo("{\"a\":1}");
        assertThat(p).isEqualTo(Payload.parse("{ \"a\" : 1.0 }"));
        assertThat(p.utf8Length()).isEqualTo(7);
    }
}
