@testable import AnnealIO
import Testing

@Test func errorDescriptionIsOneLineNamingFileAndProblem() {
    let error = AnnealIOError(path: "train-images-idx3-ubyte.gz", "truncated: header says 60000×28×28 bytes (47040000) but file holds 1200 bytes")
    #expect(error.description == "train-images-idx3-ubyte.gz: truncated: header says 60000×28×28 bytes (47040000) but file holds 1200 bytes")
    #expect(error == AnnealIOError(path: "train-images-idx3-ubyte.gz", error.message))
    #expect(error != AnnealIOError(path: "other", error.message))
}
