import AnnealTensor
import AnnealTraining

/// The processes (ranks) one training run is spread over, and the collectives
/// data parallelism needs. `Run` and the trainer use only this protocol; the MPI
/// implementation lives in AnnealMPI, and `SingleProcess` is the group of
/// one, so the same code path serves both.
///
/// Every rank must call the same collectives in the same order with the same sizes.
/// Failures (a rank died, the network broke) throw `ProcessGroupError`.
public protocol ProcessGroup: AnyObject, Sendable {
    /// This process's index in the group, in 0..<size.
    var rank: Int { get }
    /// The number of processes (ranks) in the group.
    var size: Int { get }
    /// Replaces `values` on every rank by their sum over the ranks.
    func allReduceSum(_ values: UnsafeMutableBufferPointer<Float>) throws
    /// Starts `allReduceSum` and returns at once (gradients sent while backward goes
    /// on): `values` must stay alive and untouched until the operation completes.
    /// Every rank starts its non-blocking collectives in the same order.
    func startAllReduceSum(_ values: UnsafeMutableBufferPointer<Float>) throws -> any PendingCollective
    /// The same for doubles (metrics: sums of losses and counts).
    func allReduceSum(_ values: UnsafeMutableBufferPointer<Double>) throws
    /// Replaces `values` on every rank by rank `root`'s.
    func broadcast(_ values: UnsafeMutableBufferPointer<Float>, from root: Int) throws
    /// Returns once every rank has called it.
    func barrier() throws
    /// Point to point, for pipeline stages: returns at once (the values are copied)
    /// while the message travels; messages to one rank with one tag arrive in order.
    func send(_ values: UnsafeBufferPointer<Float>, to rank: Int, tag: Int) throws
    /// Returns once every message this rank sent has been received.
    func completeSends() throws
    /// Blocks until a message with `tag` from `from` has filled `values`.
    func receive(_ values: UnsafeMutableBufferPointer<Float>, from rank: Int, tag: Int) throws
}

extension ProcessGroup {
    /// Whether the group has more than one process, so collectives communicate.
    public var isDistributed: Bool { size > 1 }
    /// Rank 0 writes the run's files; the others only compute.
    public var isWriter: Bool { rank == 0 }

    /// Replaces `values` on every rank by their elementwise sum over the ranks.
    public func allReduceSum(_ values: inout [Double]) throws {
        try values.withUnsafeMutableBufferPointer { try allReduceSum($0) }
    }

    /// Whether `flag` holds on at least one rank (every rank gets the same answer).
    public func anyRank(_ flag: Bool) throws -> Bool {
        guard isDistributed else { return flag }
        var count = [flag ? 1.0 : 0]
        try allReduceSum(&count)
        return count[0] > 0
    }
}

/// A non-blocking collective under way.
public protocol PendingCollective: AnyObject {
    /// Whether it has completed (lets it progress meanwhile).
    func test() throws -> Bool
    /// Returns once it has completed.
    func wait() throws
}

/// What a single process starts: already complete.
final class CompletedCollective: PendingCollective {
    func test() -> Bool { true }
    func wait() {}
}

/// A collective that failed: the message names the operation and, when known, the rank.
public struct ProcessGroupError: Error, CustomStringConvertible {
    /// The message: the failed operation and, when known, the rank.
    public let description: String
    /// An error whose message is `description`.
    public init(_ description: String) { self.description = description }
}

/// The group of one process: every collective is the identity.
public final class SingleProcess: ProcessGroup {
    /// The group of this process alone.
    public init() {}
    /// Always 0.
    public var rank: Int { 0 }
    /// Always 1.
    public var size: Int { 1 }
    /// Leaves `values` as they are: the sum over one rank.
    public func allReduceSum(_ values: UnsafeMutableBufferPointer<Float>) {}
    /// Leaves `values` as they are: the sum over one rank.
    public func allReduceSum(_ values: UnsafeMutableBufferPointer<Double>) {}
    /// Leaves `values` as they are and returns a collective that is already complete.
    public func startAllReduceSum(_ values: UnsafeMutableBufferPointer<Float>) -> any PendingCollective { CompletedCollective() }
    /// Leaves `values` as they are (this process is every root).
    public func broadcast(_ values: UnsafeMutableBufferPointer<Float>, from root: Int) {}
    /// Returns at once.
    public func barrier() {}
    /// Always throws `ProcessGroupError`: there is no other rank to send to.
    public func send(_ values: UnsafeBufferPointer<Float>, to rank: Int, tag: Int) throws {
        throw ProcessGroupError("send: a single process has no rank \(rank) to send to")
    }
    /// Always throws `ProcessGroupError`: there is no other rank to receive from.
    public func receive(_ values: UnsafeMutableBufferPointer<Float>, from rank: Int, tag: Int) throws {
        throw ProcessGroupError("receive: a single process has no rank \(rank) to receive from")
    }
    /// Returns at once: no send is ever under way.
    public func completeSends() {}
}

extension ProcessGroup {
    /// `values` summed over the ranks as a differentiable op (synchronized batch
    /// norm): its gradient on each rank is the sum of every rank's upstream gradient.
    /// A failed collective here ends the process with its message (a forward pass cannot throw).
    public func differentiableSum(_ values: Tensor) -> Tensor {
        func summed(_ tensor: Tensor) -> Tensor {
            var scalars = tensor.scalars
            do { try scalars.withUnsafeMutableBufferPointer { try allReduceSum($0) } } catch {
                fatalError("synchronized batch norm: \(error)")
            }
            return Tensor(scalars, shape: tensor.shape)
        }
        return summed(values).recorded(as: "crossReplicaSum", from: [values]) { gradient in [summed(gradient)] }
    }
}

extension Metrics {
    /// The metrics of all ranks together (each rank passes its own; every rank gets the sum).
    public func summed(over group: any ProcessGroup) throws -> Metrics {
        guard group.isDistributed else { return self }
        var sums = [Double(samples), lossSum, Double(correct), Double(topKCorrect)]
        try group.allReduceSum(&sums)
        return Metrics(k: k, samples: Int(sums[0]), lossSum: sums[1], correct: Int(sums[2]), topKCorrect: Int(sums[3]))
    }
}
