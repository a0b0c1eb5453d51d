import Foundation

/// The 64-byte aligned Float32 buffer behind a tensor. Tensors share it until one
/// of them writes (copy-on-write in `Tensor`). Large buffers are recycled through
/// `StorageCache`.
public final class TensorStorage: @unchecked Sendable {
    // @unchecked: the buffer is only written through a uniquely referenced tensor.
    public let pointer: UnsafeMutablePointer<Float>
    public let count: Int

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
