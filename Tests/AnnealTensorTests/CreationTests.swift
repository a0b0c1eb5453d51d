@testable import AnnealTensor
import AnnealTestSupport
import Testing

@Suite struct CreationTests {
    @Test func constants() {
        #expect(Tensor.zeros([2, 3]).scalars == [Float](repeating: 0, count: 6))
        #expect(Tensor.ones([4]).scalars == [1, 1, 1, 1])
        #expect(Tensor.full(2.5, shape: [2, 2]).scalars == [2.5, 2.5, 2.5, 2.5])
        #expect(Tensor.zeros([0, 3]).count == 0)
        #expect(Tensor.identity(3).scalars == [1, 0, 0, 0, 1, 0, 0, 0, 1])
    }

    @Test func ranges() {
        #expect(Tensor.arange(5).scalars == [0, 1, 2, 3, 4])
        #expect(Tensor.arange(1, 2, step: 0.25).scalars == [1, 1.25, 1.5, 1.75])
        #expect(Tensor.linspace(0, 1, count: 5).scalars == [0, 0.25, 0.5, 0.75, 1])
        #expect(Tensor.linspace(3, 3, count: 1).scalars == [3])
    }

    @Test func fromArrays() {
        let t = Tensor([[1, 2, 3], [4, 5, 6]])
        #expect(t.shape == [2, 3])
        #expect(t[1, 2] == 6)
        #expect(Tensor(7).shape == [])
        #expect(Tensor(7).item() == 7)
    }

    @Test func copyOnWrite() {
        let a = Tensor([1, 2, 3])
        var b = a
        #expect(a.sharesStorage(with: b))
        b[0] = 10
        #expect(a.scalars == [1, 2, 3])
        #expect(b.scalars == [10, 2, 3])
        #expect(!a.sharesStorage(with: b))
    }

    @Test func storageIsAligned() {
        for n in [1, 3, 17, 1000] {
            let t = Tensor.zeros([n])
            #expect(Int(bitPattern: t.storage.pointer) % 64 == 0)
        }
    }

    @Test func philoxKnownAnswer() {
        // Random123's published known-answer vector for philox4x32-10, all-zero key and counter.
        let out = Philox(seed: 0).block((0, 0, 0, 0))
        #expect(out.0 == 0x6627_E8D5 && out.1 == 0xE169_C58D && out.2 == 0xBC57_AC4C && out.3 == 0x9B00_DBD8)
    }

    @Test func randomDrawsIndependentOfThreadCount() {
        let saved = Threads.count
        defer { Threads.count = saved }
        var draws: [[Float]] = []
        for threads in [1, 2] {
            Threads.count = threads
            var g = RandomGenerator(seed: 1234)
            let u = Tensor.uniform([300_001], using: &g)
            let n = Tensor.normal([300_001], using: &g)
            let b = Tensor.bernoulli([300_001], p: 0.3, using: &g)
            draws.append(u.scalars + n.scalars + b.scalars)
        }
        #expect(draws[0] == draws[1])
    }

    @Test func randomStatistics() {
        var g = RandomGenerator(seed: 7)
        let u = Tensor.uniform([200_000], low: -2, high: 2, using: &g)
        #expect(abs(u.mean().item()) < 0.02)
        #expect(u.min().item() >= -2 && u.max().item() < 2)
        let n = Tensor.normal([200_000], mean: 3, std: 2, using: &g)
        #expect(abs(n.mean().item() - 3) < 0.03)
        #expect(abs(n.variance().item().squareRoot() - 2) < 0.03)
        let b = Tensor.bernoulli([200_000], p: 0.25, using: &g)
        #expect(abs(b.mean().item() - 0.25) < 0.01)
    }

    @Test func generatorStateResumes() {
        var g = RandomGenerator(seed: 5)
        _ = Tensor.uniform([10], using: &g)
        var resumed = RandomGenerator(seed: 5, offset: g.offset)
        #expect(Tensor.uniform([10], using: &g) == Tensor.uniform([10], using: &resumed))
        var p = RandomGenerator(seed: 1)
        #expect(p.permutation(10).sorted() == Array(0..<10))
    }
}
