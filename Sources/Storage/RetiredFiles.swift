import Locking

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The files of replaced object versions, kept in the temp directory to be
/// written again as the next temp files instead of being unlinked.
///
/// A live channel rewrites its playlist for every segment. Each rewrite made
/// a new file and freed the old one, so a segment cost two inode allocations
/// and one free. On ext4 without a journal, allocating an inode passes over
/// every inode freed in the last minute (six while its inode table block
/// is unwritten), one look-up each: with a few hundred streams, or after a
/// large delete, that was over half of the server's CPU. Writing the next
/// temp file into the replaced file's inode takes neither an allocation nor
/// a free, on any file system.
///
/// Only a file nothing reads any more is reused: an open descriptor (a GET
/// still sending the old version, an MD5 being computed, another process)
/// must go on reading what it opened. Linux grants a write lease
/// (`F_SETLEASE`) only when no other open file description refers to the
/// file, and no new reader can appear, since the file's only name is a temp
/// path nobody else knows; a file with a reader is unlinked, as before.
/// Where leases are not available (other systems, some file systems) nothing
/// is kept.
final class RetiredFiles: Sendable {
    /// At most this many replaced files wait for reuse; further ones are
    /// unlinked. A rewrite takes the oldest first, giving readers of the old
    /// version the longest time to finish.
    static let capacity = 16
    /// Larger files are unlinked at once: a kept file holds its disk space
    /// until it is reused, and the files rewritten often are small.
    static let maxFileBytes: Int64 = 1 << 20

    private struct State {
        var paths: [String] = []
        /// False once the system refused a lease for another reason than a reader.
        var usable = RetiredFiles.leasesExist
    }
    private let state = Locked(State())

    init() {}

    /// Takes the file at `path` (a replaced version of `size` bytes, in the
    /// temp directory); false when it is not kept and the caller unlinks it.
    func keep(_ path: String, size: Int64) -> Bool {
        guard size <= Self.maxFileBytes else { return false }
        return state.withLock { state in
            guard state.usable, state.paths.count < Self.capacity else { return false }
            state.paths.append(path)
            return true
        }
    }

    /// A kept file, empty and open for writing, that no one else has open;
    /// nil when there is none. Files found still open elsewhere are unlinked.
    func reuse() -> (path: String, descriptor: Int32)? {
        while let path = state.withLock({ $0.paths.isEmpty ? nil : $0.paths.removeFirst() }) {
            if let descriptor = claim(path) { return (path, descriptor) }
            _ = unlink(path)
        }
        return nil
    }

    /// The files kept now, oldest first.
    var paths: [String] { state.withLock { $0.paths } }

    /// Unlinks every kept file.
    func removeAll() {
        for path in state.withLock({ state in defer { state.paths = [] }; return state.paths }) {
            _ = unlink(path)
        }
    }

    /// Opens `path` for writing and empties it when this is its only open
    /// file description; nil otherwise.
    private func claim(_ path: String) -> Int32? {
        #if os(Linux)
        guard let descriptor = try? FileSystem.openFile(path, O_WRONLY | O_NOFOLLOW) else { return nil }
        var claimed = false
        defer { if !claimed { FileSystem.closeDescriptor(descriptor) } }
        var info = stat()
        // One name only, a regular file: emptying it changes nothing else.
        guard fstat(descriptor, &info) == 0, FileSystem.kind(of: info) == .file, info.st_nlink == 1 else { return nil }
        guard fcntl(descriptor, Self.setLease, Int32(F_WRLCK)) == 0 else {
            if errno != EAGAIN && errno != EBUSY {
                // No leases here (disabled, or a file system without them):
                // no file can be shown unread, so none is kept from now on.
                state.withLock { $0.usable = false }
                removeAll()
            }
            return nil
        }
        _ = fcntl(descriptor, Self.setLease, Int32(F_UNLCK))
        guard ftruncate(descriptor, 0) == 0 else { return nil }
        claimed = true
        return descriptor
        #else
        return nil
        #endif
    }

    #if os(Linux)
    /// `F_SETLEASE` (linux/fcntl.h: `F_LINUX_SPECIFIC_BASE + 0`), which the C
    /// headers declare only for _GNU_SOURCE.
    private static let setLease: Int32 = 1024
    static let leasesExist = true
    #else
    static let leasesExist = false
    #endif
}
