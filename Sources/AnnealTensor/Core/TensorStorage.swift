/// The 64-byte aligned Float32 buffer behind a tensor. Tensors share it until one
/// of them writes (copy-on-write in `Tensor`).
public final class TensorStorage: @unchecked Sendable {
    // @unchecked: the buffer is only written through a uniquely referenced tensor.
    public let pointer: UnsafeMutablePointer<Float>
    public let count: Int

    public init(count: Int) {
        self.count = count
        let raw = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1) * 4, alignment: 64)
        pointer = raw.bindMemory(to: Float.self, capacity: max(count, 1))
    }

    convenience init(copying source: UnsafePointer<Float>, count: Int) {
        self.init(count: count)
        pointer.update(from: source, count: count)
    }

    deinit { pointer.deallocate() }
}
