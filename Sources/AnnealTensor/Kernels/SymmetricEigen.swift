import CLAPACK

/// Eigendecomposition of a real symmetric matrix through LAPACK's ssyevd
/// (divide and conquer), for PCA and whitening.
public enum SymmetricEigen {
    /// A LAPACK failure: an invalid argument, or an algorithm that did not converge.
    public struct Failure: Error, CustomStringConvertible {
        /// What went wrong, with LAPACK's `info` code.
        public let description: String
    }

    /// Eigenvalues in ascending order and the matching eigenvectors as the
    /// columns of an n×n matrix, for a symmetric n×n `matrix`.
    public static func decompose(_ matrix: Tensor) throws -> (values: Tensor, vectors: Tensor) {
        require(matrix.rank == 2 && matrix.shape[0] == matrix.shape[1],
                "SymmetricEigen.decompose: expects a square matrix, got shape \(matrix.shape)")
        var n = Int32(matrix.shape[0])
        // LAPACK is column-major; a symmetric matrix reads the same either way.
        var a = matrix.scalars
        var w = [Float](repeating: 0, count: Int(n))
        var lwork: Int32 = -1, liwork: Int32 = -1, info: Int32 = 0
        var workQuery: Float = 0
        var iworkQuery: Int32 = 0
        var lda = max(n, 1)
        ssyevd_("V", "U", &n, &a, &lda, &w, &workQuery, &lwork, &iworkQuery, &liwork, &info, 1, 1)
        guard info == 0 else { throw Failure(description: "ssyevd workspace query failed (info \(info))") }
        lwork = Int32(workQuery)
        liwork = iworkQuery
        var work = [Float](repeating: 0, count: Int(lwork))
        var iwork = [Int32](repeating: 0, count: Int(liwork))
        ssyevd_("V", "U", &n, &a, &lda, &w, &work, &lwork, &iwork, &liwork, &info, 1, 1)
        guard info == 0 else {
            throw Failure(description: info < 0 ? "ssyevd: argument \(-info) is invalid"
                                                 : "ssyevd: the algorithm failed to converge (info \(info))")
        }
        // Column-major eigenvectors are rows of `a` in row-major; transpose to columns.
        let rows = Tensor(a, shape: [Int(n), Int(n)])
        return (Tensor(w), rows.T)
    }
}
