import Locking

/// Buffers for the pieces of segments that pushes stream to disk, reused
/// instead of freed and allocated again: at thousands of pushes, tens of
/// thousands of piece buffers a minute went back to malloc between small
/// allocations, and the heap grew by the holes (RSS about twice the memory
/// in use). A writer gives a piece's buffer back once it is on disk; a push
/// takes one when it starts the next piece. At most `maxKept` wait here;
/// `drain` frees them (the emulator does when it goes quiet).
public final class PieceBufferPool: Sendable {
    /// For pushes with the default piece size (`ChannelPublisher.defaultSegmentChunkBytes`).
    public static let process = PieceBufferPool(pieceBytes: ChannelPublisher.defaultSegmentChunkBytes)
    /// 1,024 buffers of 24 KiB (16 KiB pieces): 24 MiB at most, kept only while pushes run.
    public static let defaultMaxKept = 1024

    public let bufferCapacity: Int
    public let maxKept: Int
    private struct State {
        var kept: [[UInt8]] = []
        /// Buffers handed out, and how many of them had to be made (none was kept).
        var taken = 0, made = 0
    }
    private let state = Locked(State())

    public init(bufferCapacity: Int, maxKept: Int = PieceBufferPool.defaultMaxKept) {
        self.bufferCapacity = bufferCapacity
        self.maxKept = maxKept
    }

    /// A pool for pushes that take pieces of `pieceBytes`.
    public convenience init(pieceBytes: Int, maxKept: Int = PieceBufferPool.defaultMaxKept) {
        self.init(bufferCapacity: Self.bufferCapacity(pieceBytes: pieceBytes), maxKept: maxKept)
    }

    /// The buffer a push taking pieces of `pieceBytes` needs: a piece is
    /// taken once it reaches that size, so room for it and half again (a
    /// frame) means the buffer rarely moves and never holds more than one
    /// piece's worth for long.
    public static func bufferCapacity(pieceBytes: Int) -> Int { pieceBytes + pieceBytes / 2 }

    /// An empty buffer with room for `bufferCapacity` bytes.
    public func take() -> [UInt8] {
        let reused = state.withLock { state in
            state.taken += 1
            let buffer = state.kept.popLast()
            if buffer == nil { state.made += 1 }
            return buffer
        }
        if let reused { return reused }
        var buffer: [UInt8] = []
        buffer.reserveCapacity(bufferCapacity)
        return buffer
    }

    /// Keeps `buffer` for a later `take` (emptied) when it has this pool's
    /// size and the pool has room; otherwise it is freed. `buffer` is taken
    /// (left empty): only a buffer nothing else holds can be reused.
    public func give(_ buffer: inout [UInt8]) {
        var taken: [UInt8] = []
        swap(&taken, &buffer)
        guard taken.capacity >= bufferCapacity, taken.capacity < 2 * bufferCapacity else { return }
        taken.removeAll(keepingCapacity: true)
        state.withLock { state in
            if state.kept.count < maxKept { state.kept.append(taken) }
        }
    }

    /// Buffers handed out so far, and how many of them were made new.
    public var takes: (taken: Int, made: Int) { state.withLock { ($0.taken, $0.made) } }

    /// Buffers waiting here now.
    public var keptCount: Int { state.withLock { $0.kept.count } }

    /// Frees every kept buffer; answers how many.
    @discardableResult
    public func drain() -> Int {
        // Freed after the lock is released.
        let released = state.withLock { state -> [[UInt8]] in
            defer { state.kept = [] }
            return state.kept
        }
        return released.count
    }
}

/// Moves a buffer into a closure that runs later (a writer queue) so that,
/// once taken there, the closure holds no second reference to it and the
/// buffer can be reused (`PieceBufferPool.give`). Used on one queue at a time.
final class PieceHandoff: @unchecked Sendable {
    private var bytes: [UInt8]

    init(_ bytes: consuming [UInt8]) { self.bytes = bytes }

    func take() -> [UInt8] {
        var taken: [UInt8] = []
        swap(&taken, &bytes)
        return taken
    }
}
