package org.jcomfy.nodes.sampling;

/** The small linear algebra shared by both UniPC implementations (B(h) right-hand side, R·ρ = b solve). */
final class UniPcCoefficients {
    private UniPcCoefficients() {}

    /**
     * b_k = g_k·k!/B(h) for k = 1..order, with g_1 = φ1/hh − 1 (φ1 = expm1(hh)) and g_{k+1} = g_k/hh − 1/(k+1)!.
     */
    static double[] bVector(double hh, double bh, int order) {
        double[] b = new double[order];
        double hPhiK = Math.expm1(hh) / hh - 1;
        double factorial = 1;
        for (int i = 1; i <= order; i++) {
            b[i - 1] = hPhiK * factorial / bh;
            factorial *= i + 1;
            hPhiK = hPhiK / hh - 1 / factorial;
        }
        return b;
    }

    /** Solves the leading n×n block of r·ρ = b by Gaussian elimination with partial pivoting. */
    static double[] solve(double[][] r, double[] b, int n) {
        double[][] a = new double[n][n + 1];
        for (int i = 0; i < n; i++) {
            System.arraycopy(r[i], 0, a[i], 0, n);
            a[i][n] = b[i];
        }
        for (int col = 0; col < n; col++) {
            int pivot = col;
            for (int row = col + 1; row < n; row++) {
                if (Math.abs(a[row][col]) > Math.abs(a[pivot][col])) {
                    pivot = row;
                }
            }
            double[] tmp = a[col];
            a[col] = a[pivot];
            a[pivot] = tmp;
            for (int row = col + 1; row < n; row++) {
                double f = a[row][col] / a[col][col];
                for (int k = col; k <= n; k++) {
                    a[row][k] -= f * a[col][k];
                }
            }
        }
        double[] x = new double[n];
        for (int row = n - 1; row >= 0; row--) {
            double s = a[row][n];
            for (int k = row + 1; k < n; k++) {
                s -= a[row][k] * x[k];
            }
            x[row] = s / a[row][row];
        }
        return x;
    }
}
