namespace SpatialVlm.Geometry;

/// <summary>Eigen-decomposition of a symmetric 3x3 matrix by cyclic Jacobi rotations (robust for repeated eigenvalues).</summary>
public static class SymmetricEigen3
{
    /// <summary>
    /// Eigenvalues in descending order and the matching unit eigenvectors (rows of the returned 3x3, row-major),
    /// forming a right-handed basis. <paramref name="m"/> is row-major and must be symmetric.
    /// </summary>
    public static (double[] Values, double[] Vectors) Decompose(ReadOnlySpan<double> m)
    {
        if (m.Length != 9) throw new ArgumentException("expected a 3x3 matrix (9 numbers)");
        Span<double> a = stackalloc double[9];
        m.CopyTo(a);
        Span<double> v = [1, 0, 0, 0, 1, 0, 0, 0, 1]; // columns become eigenvectors
        for (int sweep = 0; sweep < 50; sweep++)
        {
            double off = a[1] * a[1] + a[2] * a[2] + a[5] * a[5];
            double diag = a[0] * a[0] + a[4] * a[4] + a[8] * a[8];
            if (off <= 1e-30 * Math.Max(diag, 1e-300)) break;
            Rotate(a, v, 0, 1);
            Rotate(a, v, 0, 2);
            Rotate(a, v, 1, 2);
        }
        Span<int> order = [0, 1, 2];
        double d0 = a[0], d1 = a[4], d2 = a[8];
        Span<double> d = [d0, d1, d2];
        // sort descending
        for (int i = 0; i < 2; i++)
            for (int j = i + 1; j < 3; j++)
                if (d[order[j]] > d[order[i]]) (order[i], order[j]) = (order[j], order[i]);
        var values = new double[3];
        var vectors = new double[9];
        for (int r = 0; r < 3; r++)
        {
            int c = order[r];
            values[r] = d[c];
            vectors[r * 3] = v[c]; vectors[r * 3 + 1] = v[3 + c]; vectors[r * 3 + 2] = v[6 + c];
        }
        // Make the basis right-handed: third = first × second.
        double cx = vectors[1] * vectors[5] - vectors[2] * vectors[4];
        double cy = vectors[2] * vectors[3] - vectors[0] * vectors[5];
        double cz = vectors[0] * vectors[4] - vectors[1] * vectors[3];
        if (cx * vectors[6] + cy * vectors[7] + cz * vectors[8] < 0)
            for (int i = 6; i < 9; i++) vectors[i] = -vectors[i];
        return (values, vectors);
    }

    // One Jacobi rotation zeroing a[p,q]; v accumulates the rotations (eigenvectors in its columns).
    private static void Rotate(Span<double> a, Span<double> v, int p, int q)
    {
        double apq = a[p * 3 + q];
        if (Math.Abs(apq) < 1e-300) return;
        double app = a[p * 3 + p], aqq = a[q * 3 + q];
        double theta = (aqq - app) / (2 * apq);
        double t = Math.Sign(theta) / (Math.Abs(theta) + Math.Sqrt(theta * theta + 1));
        if (theta == 0) t = 1;
        double c = 1 / Math.Sqrt(t * t + 1), s = t * c;
        for (int k = 0; k < 3; k++)
        {
            double akp = a[k * 3 + p], akq = a[k * 3 + q];
            a[k * 3 + p] = c * akp - s * akq;
            a[k * 3 + q] = s * akp + c * akq;
        }
        for (int k = 0; k < 3; k++)
        {
            double apk = a[p * 3 + k], aqk = a[q * 3 + k];
            a[p * 3 + k] = c * apk - s * aqk;
            a[q * 3 + k] = s * apk + c * aqk;
        }
        for (int k = 0; k < 3; k++)
        {
            double vkp = v[k * 3 + p], vkq = v[k * 3 + q];
            v[k * 3 + p] = c * vkp - s * vkq;
            v[k * 3 + q] = s * vkp + c * vkq;
        }
    }
}
