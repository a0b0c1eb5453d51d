import Foundation

/// The 64-byte aligned Float32 buffer behind a tensor. Tensors share it until one
/// of them writes (copy-on-write in `Tensor`). Large buffers are recycled through
/// `StorageCache`.
public final class TensorStorage: @unchecked Sendable {
    // @unchecked: the buffer is only written through a uniquely referenced tensor.
    /// The first of `count` Float32 values, 64-byte aligned (room for at least one
    /// value is allocated, even when `count` is 0).
    public let pointer: UnsafeMutablePointer<Float>
    /// The number of Float32 values the buffer holds.
    public let count: Int

    /// An uninitialized buffer of `count` values; a large one reuses a freed buffer
    /// of the same (page-rounded) size when the cache holds one.
    public init(count: Int) {
        self.count = count
        let raw = StorageCache.shared.allocate(bytes: max(count, 1) * 4)
        pointer = raw.bindMemory(to: Float.self, capacity: max(count, 1))
    }

    convenience init(copying source: UnsafePointer<Float>, count: Int) {
        self.init(count: count)
        pointer.update(from: source, count: count)
    }

    deinit { StorageCache.shared.release(UnsafeMutableRawPointer(pointer), bytes: max(count, 1) * 4) }
}
