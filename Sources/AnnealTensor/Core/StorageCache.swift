import Foundation

/// Keeps freed tensor buffers for reuse, keyed by size. A training step
/// allocates the same shapes every iteration; reusing their already-mapped
/// pages avoids the page faults that fresh large `malloc`s (served by `mmap`)
/// pay on first touch, which otherwise cost more than the arithmetic.
/// `ANNEAL_CACHE_MB` bounds the bytes held (default 1024; 0 disables).
final class StorageCache: @unchecked Sendable {
    // @unchecked: `state` is only touched under `lock`. An NSLock (a pthread mutex) rather
    // than Synchronization.Mutex, whose futex ThreadSanitizer cannot see (scripts/sanitizers.sh).
    static let shared = StorageCache()

    /// Buffers smaller than this come straight from malloc, which is fast for them.
    static let minimumBytes = 1 << 16

    private struct State {
        var free: [Int: [UInt]] = [:]   // addresses (raw pointers are not Sendable)
        var heldBytes = 0
    }

    private let lock = NSLock()
    private var state = State()
    let limitBytes: Int

    private init() {
        let megabytes = (getenv("ANNEAL_CACHE_MB").flatMap { Int(String(cString: $0)) }) ?? 1024
        limitBytes = max(0, megabytes) << 20
    }

    /// Bytes actually allocated for a request (page-rounded when cached).
    static func roundedBytes(_ bytes: Int) -> Int {
        bytes < minimumBytes ? max(bytes, 64) : (bytes + 4095) & ~4095
    }

    func allocate(bytes: Int) -> UnsafeMutableRawPointer {
        let size = StorageCache.roundedBytes(bytes)
        if size >= StorageCache.minimumBytes, let reused = lock.withLock({ () -> UInt? in
            guard let address = state.free[size]?.popLast() else { return nil }
            state.heldBytes -= size
            return address
        }) {
            return UnsafeMutableRawPointer(bitPattern: reused)!
        }
        return UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 64)
    }

    func release(_ pointer: UnsafeMutableRawPointer, bytes: Int) {
        let size = StorageCache.roundedBytes(bytes)
        let address = UInt(bitPattern: pointer)
        let limit = limitBytes
        let kept = size >= StorageCache.minimumBytes && lock.withLock { () -> Bool in
            guard state.heldBytes + size <= limit else { return false }
            state.free[size, default: []].append(address)
            state.heldBytes += size
            return true
        }
        if !kept { pointer.deallocate() }
    }

    /// Returns every cached buffer to the system.
    func trim() {
        let addresses = lock.withLock { () -> [UInt] in
            defer { state = State() }
            return state.free.values.flatMap { $0 }
        }
        for address in addresses { UnsafeMutableRawPointer(bitPattern: address)!.deallocate() }
    }
}
