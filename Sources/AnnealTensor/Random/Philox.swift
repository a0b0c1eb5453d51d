import Foundation

/// Philox4x32-10 (Salmon et al. 2011): a counter-based generator. Each block of
/// four 32-bit outputs depends only on (key, counter), so any element of any
/// draw can be computed independently, on any thread, in any order.
public struct Philox: Sendable, Equatable {
    /// The 64-bit key as two 32-bit words: the seed's low half, then its high half.
    public let key: (UInt32, UInt32)

    /// A generator keyed by `seed`.
    public init(seed: UInt64) { key = (UInt32(truncatingIfNeeded: seed), UInt32(truncatingIfNeeded: seed >> 32)) }

    /// Equal when the keys are (the same seed): both then give the same block for every counter.
    public static func == (a: Philox, b: Philox) -> Bool { a.key == b.key }

    /// The four outputs for a 128-bit counter.
    @inlinable
    public func block(_ counter: (UInt32, UInt32, UInt32, UInt32)) -> (UInt32, UInt32, UInt32, UInt32) {
        var c = counter
        var k = key
        for _ in 0..<10 {
            let p0 = UInt64(0xD251_1F53) &* UInt64(c.0)
            let p1 = UInt64(0xCD9E_8D57) &* UInt64(c.2)
            c = (UInt32(truncatingIfNeeded: p1 >> 32) ^ c.1 ^ k.0, UInt32(truncatingIfNeeded: p1),
                 UInt32(truncatingIfNeeded: p0 >> 32) ^ c.3 ^ k.1, UInt32(truncatingIfNeeded: p0))
            k = (k.0 &+ 0x9E37_79B9, k.1 &+ 0xBB67_AE85)
        }
        return c
    }

    /// Block `index` of stream `stream`.
    @inlinable
    public func block(index: UInt64, stream: UInt64) -> (UInt32, UInt32, UInt32, UInt32) {
        block((UInt32(truncatingIfNeeded: index), UInt32(truncatingIfNeeded: index >> 32),
               UInt32(truncatingIfNeeded: stream), UInt32(truncatingIfNeeded: stream >> 32)))
    }

    /// A float in [0, 1) from 24 random bits.
    @inlinable
    public static func unitFloat(_ bits: UInt32) -> Float { Float(bits >> 8) * (1.0 / 16_777_216.0) }
}

/// A seeded source of random tensors. Its whole state is (seed, stream, offset):
/// a draw of n values consumes ceil(n/4) Philox blocks starting at `offset`, so
/// results do not depend on the thread count and a saved state resumes exactly.
public struct RandomGenerator: Sendable, Equatable {
    /// The seed, which sets the Philox key.
    public let seed: UInt64
    /// The stream id: the high 64 bits of every block counter, so the streams of
    /// one seed never overlap.
    public let stream: UInt64
    /// The index of the next unused Philox block of this stream: a draw of n values
    /// advances it by ⌈n/4⌉, `nextInt(below:)` by 1.
    public var offset: UInt64
    let philox: Philox

    /// A generator for stream `stream` of `seed`, `offset` blocks in (defaults: stream 0, from the start).
    public init(seed: UInt64, stream: UInt64 = 0, offset: UInt64 = 0) {
        self.seed = seed
        self.stream = stream
        self.offset = offset
        philox = Philox(seed: seed)
    }

    /// An independent generator for a sub-task (e.g. one per epoch or per sample).
    public func derived(stream: UInt64) -> RandomGenerator {
        RandomGenerator(seed: seed, stream: self.stream &* 0x9E37_79B9_7F4A_7C15 &+ stream &+ 1)
    }

    /// Reserves `blocks` consecutive blocks and returns the first one's index.
    mutating func reserve(blocks: Int) -> UInt64 {
        let first = offset
        offset &+= UInt64(blocks)
        return first
    }

    /// Fills `count` values; `fill(block, outputs, first element, buffer)` writes up to four.
    mutating func fill(_ count: Int, _ write: (Int, (UInt32, UInt32, UInt32, UInt32), UnsafeMutablePointer<Float>) -> Void) -> Tensor {
        let blocks = (count + 3) / 4
        let first = reserve(blocks: blocks)
        let philox = self.philox, stream = self.stream
        var result = Tensor(uninitialized: [count])
        let pointer = result.storage.pointer
        Threads.parallelFor(blocks, grain: 4096) { range in
            for b in range {
                write(b, philox.block(index: first &+ UInt64(b), stream: stream), pointer)
            }
        }
        result.makeUnique()
        return result
    }

    /// Uniform values in [0, 1).
    public mutating func uniform(count: Int) -> [Float] { uniformTensor(count: count).scalars }

    mutating func uniformTensor(count: Int) -> Tensor {
        fill(count) { b, r, out in
            let base = 4 * b
            if base < count { out[base] = Philox.unitFloat(r.0) }
            if base + 1 < count { out[base + 1] = Philox.unitFloat(r.1) }
            if base + 2 < count { out[base + 2] = Philox.unitFloat(r.2) }
            if base + 3 < count { out[base + 3] = Philox.unitFloat(r.3) }
        }
    }

    mutating func normalTensor(count: Int) -> Tensor {
        // Box–Muller: lanes (0,1) and (2,3) each give two standard normals.
        fill(count) { b, r, out in
            let base = 4 * b
            func pair(_ x: UInt32, _ y: UInt32, _ at: Int) {
                let u1 = 1 - Philox.unitFloat(x)        // (0, 1]: log is finite
                let u2 = Philox.unitFloat(y)
                let radius = (-2 * logf(u1)).squareRoot()
                let angle = 2 * Float.pi * u2
                if at < count { out[at] = radius * cosf(angle) }
                if at + 1 < count { out[at + 1] = radius * sinf(angle) }
            }
            pair(r.0, r.1, base)
            pair(r.2, r.3, base + 2)
        }
    }

    /// A uniform integer in 0..<upperBound (for shuffles and index draws).
    public mutating func nextInt(below upperBound: Int) -> Int {
        precondition(upperBound > 0)
        let r = philox.block(index: reserve(blocks: 1), stream: stream)
        let wide = (UInt64(r.0) << 32) | UInt64(r.1)
        return Int(wide % UInt64(upperBound))
    }

    /// A uniform permutation of 0..<n (Fisher–Yates).
    public mutating func permutation(_ n: Int) -> [Int] {
        var order = Array(0..<n)
        if n < 2 { return order }
        for i in stride(from: n - 1, to: 0, by: -1) {
            order.swapAt(i, nextInt(below: i + 1))
        }
        return order
    }
}


/// A generator is saved as (seed, stream, offset); the Philox key follows from the seed.
extension RandomGenerator: Codable {
    enum CodingKeys: String, CodingKey { case seed, stream, offset }

    /// Decodes the `seed`, `stream` and `offset` keys and rebuilds the Philox key from the seed.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(seed: try c.decode(UInt64.self, forKey: .seed), stream: try c.decode(UInt64.self, forKey: .stream),
                  offset: try c.decode(UInt64.self, forKey: .offset))
    }

    /// Encodes `seed`, `stream` and `offset` under those keys.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(seed, forKey: .seed)
        try c.encode(stream, forKey: .stream)
        try c.encode(offset, forKey: .offset)
    }
}
