package org.jcomfy.server.execution;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.regex.Pattern;
import org.jcomfy.server.http.Json;

/**
 * The coercions ComfyUI applies to constant widget values before checking them:
 * {@code int(v)}, {@code float(v)}, {@code str(v)} and Python truthiness for BOOLEAN
 * (so {@code "false"} is true). Failures carry Python's exception text.
 */
final class InputCoercion {
    private static final Pattern PY_INT = Pattern.compile("[+-]?\\d+(_\\d+)*");
    private static final Pattern PY_FLOAT = Pattern.compile(
            "[+-]?((\\d+(_\\d+)*)?\\.?\\d+(_\\d+)*([eE][+-]?\\d+)?|\\d+(_\\d+)*\\.([eE][+-]?\\d+)?)");
    private static final Pattern PY_SPECIAL = Pattern.compile("[+-]?(inf|infinity|nan)", Pattern.CASE_INSENSITIVE);

    /** A coercion that Python would refuse; {@code message} is {@code str(exception)}. */
    static final class Failure extends Exception {
        Failure(String message) { super(message, null, false, false); }
    }

    private InputCoercion() {}

    /** The coerced value for a declared type, or the value unchanged for other types. */
    static JsonNode coerce(String type, JsonNode v) throws Failure {
        return switch (type) {
            case "INT" -> toInt(v);
            case "FLOAT" -> Json.NODES.numberNode(toFloat(v));
            case "STRING" -> Json.NODES.textNode(PythonText.str(v));
            case "BOOLEAN" -> Json.NODES.booleanNode(truthy(v));
            default -> v;
        };
    }

    static JsonNode toInt(JsonNode v) throws Failure {
        if (v.isIntegralNumber()) return Json.integer(v.bigIntegerValue());
        if (v.isNumber()) {
            double d = v.doubleValue();
            if (Double.isNaN(d)) throw new Failure("cannot convert float NaN to integer");
            if (Double.isInfinite(d)) throw new Failure("cannot convert float infinity to integer");
            return Json.integer(new BigDecimal(d).toBigInteger());
        }
        if (v.isBoolean()) return Json.NODES.numberNode(v.booleanValue() ? 1 : 0);
        if (v.isTextual()) {
            String s = v.textValue().strip();
            if (PY_INT.matcher(s).matches()) return Json.integer(new BigInteger(s.replace("_", "")));
            throw new Failure("invalid literal for int() with base 10: " + PythonText.quote(v.textValue()));
        }
        throw new Failure("int() argument must be a string, a bytes-like object or a real number, not '"
                + pythonTypeName(v) + "'");
    }

    static double toFloat(JsonNode v) throws Failure {
        if (v.isNumber()) return v.doubleValue();
        if (v.isBoolean()) return v.booleanValue() ? 1.0 : 0.0;
        if (v.isTextual()) {
            String s = v.textValue().strip();
            if (PY_SPECIAL.matcher(s).matches()) {
                boolean negative = s.startsWith("-");
                if (s.toLowerCase().contains("nan")) return Double.NaN;
                return negative ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
            }
            if (PY_FLOAT.matcher(s).matches()) return Double.parseDouble(s.replace("_", ""));
            throw new Failure("could not convert string to float: " + PythonText.quote(v.textValue()));
        }
        throw new Failure("float() argument must be a string or a real number, not '" + pythonTypeName(v) + "'");
    }

    /** Python's {@code bool(v)}: false for None, False, 0, 0.0, "", [] and {}. */
    static boolean truthy(JsonNode v) {
        if (v == null || v.isNull()) return false;
        if (v.isBoolean()) return v.booleanValue();
        if (v.isNumber()) return v.doubleValue() != 0 || (v.isIntegralNumber() && v.bigIntegerValue().signum() != 0);
        if (v.isTextual()) return !v.textValue().isEmpty();
        return !v.isEmpty();
    }

    static String pythonTypeName(JsonNode v) {
        if (v == null || v.isNull()) return "NoneType";
        if (v.isArray()) return "list";
        if (v.isObject()) return "dict";
        if (v.isTextual()) return "str";
        if (v.isBoolean()) return "bool";
        return v.isIntegralNumber() ? "int" : "float";
    }
}
