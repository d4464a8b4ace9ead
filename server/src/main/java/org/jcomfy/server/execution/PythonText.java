package org.jcomfy.server.execution;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.Iterator;
import java.util.Map;

/**
 * Python's {@code str()} and {@code repr()} of JSON values, because ComfyUI's error messages
 * and STRING coercion print values the Python way ({@code True}, {@code None}, {@code 1.0},
 * {@code 1e+20}, {@code ['a', 'b']}).
 */
final class PythonText {
    private PythonText() {}

    static String str(JsonNode v) {
        if (v == null || v.isNull() || v.isMissingNode()) return "None";
        if (v.isTextual()) return v.textValue();
        return repr(v);
    }

    static String repr(JsonNode v) {
        if (v == null || v.isNull() || v.isMissingNode()) return "None";
        if (v.isTextual()) return quote(v.textValue());
        if (v.isBoolean()) return v.booleanValue() ? "True" : "False";
        if (v.isIntegralNumber()) return v.bigIntegerValue().toString();
        if (v.isNumber()) return floatRepr(v.doubleValue());
        if (v.isArray()) {
            StringBuilder b = new StringBuilder("[");
            for (int i = 0; i < v.size(); i++) b.append(i == 0 ? "" : ", ").append(repr(v.get(i)));
            return b.append(']').toString();
        }
        StringBuilder b = new StringBuilder("{");
        boolean first = true;
        for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); first = false) {
            Map.Entry<String, JsonNode> e = it.next();
            b.append(first ? "" : ", ").append(quote(e.getKey())).append(": ").append(repr(e.getValue()));
        }
        return b.append('}').toString();
    }

    static String quote(String s) {
        String q = s.contains("'") && !s.contains("\"") ? "\"" : "'";
        StringBuilder b = new StringBuilder(q);
        for (char c : s.toCharArray()) {
            switch (c) {
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> b.append(q.equals("'") && c == '\'' ? "\\'" : String.valueOf(c));
            }
        }
        return b.append(q).toString();
    }

    /** Python's float repr: shortest round-trip digits, exponent form below 1e-4 and from 1e16. */
    static String floatRepr(double d) {
        if (Double.isNaN(d)) return "nan";
        if (Double.isInfinite(d)) return d > 0 ? "inf" : "-inf";
        if (d == 0) return (1 / d < 0) ? "-0.0" : "0.0";
        BigDecimal exact = new BigDecimal(Double.toString(d)).stripTrailingZeros();
        String digits = exact.unscaledValue().abs().toString();
        int exponent = digits.length() - 1 - exact.scale(); // scientific exponent of the first digit
        String sign = d < 0 ? "-" : "";
        if (exponent >= -4 && exponent < 16) {
            String plain = exact.abs().toPlainString();
            return sign + (plain.contains(".") ? plain : plain + ".0");
        }
        String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
        String exp = String.format("%02d", Math.abs(exponent));
        return sign + mantissa + "e" + (exponent < 0 ? "-" : "+") + exp;
    }
}
