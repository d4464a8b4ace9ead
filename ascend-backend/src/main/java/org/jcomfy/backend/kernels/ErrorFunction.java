package org.jcomfy.backend.kernels;

/**
 * The error function in double precision (Java's Math has none), for the exact GELU
 * {@code 0.5x(1 + erf(x/√2))} that torch's {@code nn.GELU()} computes by default.
 * Below |x| = 3 the Maclaurin series converges with little cancellation (largest term about
 * 3e3 at x = 3, so ~1e-13 absolute error); above it, erfc's continued fraction.
 */
public final class ErrorFunction {
    private static final double TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

    private ErrorFunction() {}

    public static double erf(double x) {
        if (Double.isNaN(x)) return x;
        double a = Math.abs(x);
        double r = a < 3 ? series(a) : 1 - erfcContinuedFraction(a);
        return Math.copySign(r, x);
    }

    /** erf(x) = 2/√π Σ (-1)^n x^(2n+1) / (n! (2n+1)). */
    private static double series(double x) {
        double x2 = x * x, power = x, sum = x;
        for (int n = 1; n < 200; n++) {
            power *= -x2 / n;
            double term = power / (2 * n + 1);
            sum += term;
            if (Math.abs(term) < 1e-17 * Math.abs(sum)) break;
        }
        return TWO_OVER_SQRT_PI * sum;
    }

    /** erfc(x) = e^(-x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + ...)))), for x ≥ 3. */
    private static double erfcContinuedFraction(double x) {
        if (x > 27) return 0; // e^(-x²) underflows
        double f = x;
        for (int k = 80; k >= 1; k--) f = x + (k / 2.0) / f;
        return Math.exp(-x * x) / (Math.sqrt(Math.PI) * f);
    }
}
