#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Thin POSIX wrappers: every failure becomes `StorageError.io` naming the
/// operation, the path and errno's text, and every call retries on EINTR.
enum FileSystem {
    static func errorText(_ code: Int32 = errno) -> String {
        String(cString: strerror(code))
    }

    static func failure(_ operation: String, _ path: String, _ code: Int32 = errno) -> StorageError {
        .io("\(operation) \(path): \(errorText(code))")
    }

    enum Kind: Equatable {
        case missing, file, directory, other
    }

    /// What sits at a path, without following a final symbolic link.
    static func kind(_ path: String) -> Kind {
        var info = stat()
        guard lstat(path, &info) == 0 else { return .missing }
        return kind(of: info)
    }

    static func kind(of info: stat) -> Kind {
        switch info.st_mode & S_IFMT {
        case S_IFREG: return .file
        case S_IFDIR: return .directory
        default: return .other
        }
    }

    static func lstatInfo(_ path: String) -> stat? {
        var info = stat()
        return lstat(path, &info) == 0 ? info : nil
    }

    static func identity(of info: stat) -> FileIdentity {
        FileIdentity(
            inode: UInt64(truncatingIfNeeded: info.st_ino),
            size: Int64(truncatingIfNeeded: info.st_size),
            mtimeNanoseconds: Int64(truncatingIfNeeded: info.st_mtim.tv_sec) &* 1_000_000_000
                &+ Int64(truncatingIfNeeded: info.st_mtim.tv_nsec)
        )
    }

    static func makeDirectory(_ path: String) throws {
        if mkdir(path, 0o755) == 0 { return }
        let code = errno
        if code == EEXIST && kind(path) == .directory { return }
        throw failure("mkdir", path, code)
    }

    /// mkdir -p for store-owned directories.
    static func makeDirectories(_ path: String) throws {
        if kind(path) == .directory { return }
        if let slash = path.lastIndex(of: "/"), slash != path.startIndex {
            try makeDirectories(String(path[..<slash]))
        }
        try makeDirectory(path)
    }

    static func openFile(_ path: String, _ flags: Int32, _ mode: mode_t = 0o644) throws -> Int32 {
        while true {
            let fd = open(path, flags | O_CLOEXEC, mode)
            if fd >= 0 { return fd }
            if errno != EINTR { throw failure("open", path) }
        }
    }

    static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, path: String) throws {
        guard var base = bytes.baseAddress else { return }
        var remaining = bytes.count
        while remaining > 0 {
            let written = write(fd, base, remaining)
            if written < 0 {
                if errno == EINTR { continue }
                throw failure("write", path)
            }
            remaining -= written
            base += written
        }
    }

    static func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws {
        try bytes.withUnsafeBytes { (buffer) throws in try writeAll(fd, buffer, path: path) }
    }

    /// Reads into `buffer`; returns the count, 0 at end of file.
    static func readSome(_ fd: Int32, _ buffer: UnsafeMutableRawBufferPointer, path: String) throws -> Int {
        while true {
            let count = read(fd, buffer.baseAddress, buffer.count)
            if count >= 0 { return count }
            if errno != EINTR { throw failure("read", path) }
        }
    }

    /// One positional read (the descriptor's offset is left alone), retried on EINTR; 0 at the end.
    static func readSome(_ fd: Int32, _ buffer: UnsafeMutableRawBufferPointer, at offset: Int64, path: String) throws -> Int {
        while true {
            let count = pread(fd, buffer.baseAddress, buffer.count, off_t(offset))
            if count >= 0 { return count }
            if errno != EINTR { throw failure("read", path) }
        }
    }

    static func readToEnd(_ fd: Int32, path: String, limit: Int) throws -> [UInt8] {
        var out = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            let count = try chunk.withUnsafeMutableBytes { (buffer) throws in
                try readSome(fd, buffer, path: path)
            }
            if count == 0 { return out }
            guard out.count + count <= limit else {
                throw StorageError.io("read \(path): larger than the \(limit)-byte limit")
            }
            out += chunk[0..<count]
        }
    }

    /// Reads exactly `count` bytes from the start of `fd`; fewer means the file shrank.
    static func readExactly(_ fd: Int32, count: Int, path: String) throws -> [UInt8] {
        var failure: StorageError?
        let bytes = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            initialized = 0
            while initialized < count {
                let got = pread(fd, buffer.baseAddress.map { $0 + initialized }, count - initialized, off_t(initialized))
                if got > 0 {
                    initialized += got
                } else if got == 0 {
                    failure = StorageError.io("read \(path): file ended after \(initialized) of \(count) bytes")
                    return
                } else if errno != EINTR {
                    failure = FileSystem.failure("read", path)
                    return
                }
            }
        }
        if let failure { throw failure }
        return bytes
    }

    static func readFile(_ path: String, limit: Int) throws -> [UInt8] {
        let fd = try openFile(path, O_RDONLY | O_NOFOLLOW)
        defer { close(fd) }
        return try readToEnd(fd, path: path, limit: limit)
    }

    static func sync(_ fd: Int32, path: String) throws {
        guard fsync(fd) == 0 else { throw failure("fsync", path) }
    }

    static func syncPath(_ path: String, directory: Bool) throws {
        let fd = try openFile(path, directory ? O_RDONLY | O_DIRECTORY : O_RDONLY)
        defer { close(fd) }
        try sync(fd, path: path)
    }

    static func move(_ source: String, _ destination: String) throws {
        guard rename(source, destination) == 0 else {
            throw failure("rename \(source) to", destination)
        }
    }

    /// `move` onto a destination that already exists, without waiting for
    /// the disk: where the system can, the two files swap names
    /// (`renameat2` with `RENAME_EXCHANGE`) and the old one, now under
    /// `source`, is unlinked. Readers see the old file or the new one, never
    /// neither, as with rename(2); but ext4 (with its default
    /// `auto_da_alloc`) writes a file's data out before a plain rename over an
    /// existing file returns, which cost a rewritten playlist a disk write
    /// per segment. Without `--fsync` nothing here waits for the disk anyway.
    /// Falls back to rename(2) where the swap is not available or the
    /// destination turns out to be absent. With `fsync` the caller has
    /// already flushed the source, so the plain rename costs nothing more
    /// and is what runs.
    ///
    /// `retire` is offered the old file when it ends up under `source` as a
    /// regular file; when it returns true the caller owns that file (see
    /// `RetiredFiles`), otherwise it is unlinked.
    static func replace(
        _ source: String, _ destination: String, fsync: Bool = false, retire: ((String) -> Bool)? = nil
    ) throws {
        if !fsync, let exchange = renameExchange {
            if exchange(AT_FDCWD, source, AT_FDCWD, destination, renameExchangeFlag) == 0 {
                if let retire, kind(source) == .file, retire(source) { return }
                if unlink(source) == 0 { return }
                // The destination was a directory (rename(2) refuses that):
                // swap back and let rename report it.
                _ = exchange(AT_FDCWD, source, AT_FDCWD, destination, renameExchangeFlag)
            }
            // ENOENT: no destination after all (or no source: rename reports it).
            // EINVAL/ENOSYS/EPERM: a file system or kernel without the swap.
        }
        try move(source, destination)
    }

    private typealias RenameAt2 = @convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32
    private static let renameExchangeFlag: UInt32 = 1 << 1  // RENAME_EXCHANGE (linux/fs.h)
    static var swapsOnReplace: Bool { renameExchange != nil }

    /// glibc's renameat2 (2.28 and later), looked up at run time: the C
    /// headers declare it only for _GNU_SOURCE.
    private static let renameExchange: RenameAt2? = {
        #if canImport(Glibc)
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "renameat2") else { return nil }
        return unsafeBitCast(symbol, to: RenameAt2.self)
        #else
        return nil
        #endif
    }()

    /// unlink that treats an already absent file as done.
    static func removeFile(_ path: String) throws {
        guard unlink(path) == 0 || errno == ENOENT else { throw failure("unlink", path) }
    }

    struct Entry {
        var name: [UInt8]
        var isDirectory: Bool?   // nil when readdir could not tell
    }

    /// The entries of a directory, without `.` and `..`.
    static func entries(_ path: String) throws -> [Entry] {
        guard let stream = opendir(path) else { throw failure("opendir", path) }
        defer { closedir(stream) }
        var out: [Entry] = []
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: &entry.pointee.d_name) { raw -> [UInt8] in
                let bytes = raw.bindMemory(to: UInt8.self)
                let length = bytes.firstIndex(of: 0) ?? bytes.count
                return Array(bytes[0..<length])
            }
            if name == [0x2E] || name == [0x2E, 0x2E] { continue }
            let type = Int(entry.pointee.d_type)
            let isDirectory: Bool? = type == Int(DT_UNKNOWN) ? nil : type == Int(DT_DIR)
            out.append(Entry(name: name, isDirectory: isDirectory))
        }
        return out
    }

    /// The entries of a directory with their lstat, which is looked up
    /// relative to the open directory (no walk of the whole path per entry).
    static func entriesWithInfo(_ path: String) throws -> [(name: [UInt8], info: stat)] {
        guard let stream = opendir(path) else { throw failure("opendir", path) }
        defer { closedir(stream) }
        let directory = dirfd(stream)
        var out: [(name: [UInt8], info: stat)] = []
        while let entry = readdir(stream) {
            var info = stat()
            let found = withUnsafePointer(to: &entry.pointee.d_name) { pointer in
                pointer.withMemoryRebound(to: CChar.self, capacity: 256) { name in
                    fstatat(directory, name, &info, AT_SYMLINK_NOFOLLOW) == 0
                }
            }
            let name = withUnsafeBytes(of: &entry.pointee.d_name) { raw -> [UInt8] in
                let bytes = raw.bindMemory(to: UInt8.self)
                let length = bytes.firstIndex(of: 0) ?? bytes.count
                return Array(bytes[0..<length])
            }
            if name == [0x2E] || name == [0x2E, 0x2E] || !found { continue }
            out.append((name, info))
        }
        return out
    }

    /// rm -r without following symbolic links.
    static func removeTree(_ path: String) throws {
        switch kind(path) {
        case .missing:
            return
        case .directory:
            for entry in try entries(path) {
                try removeTree(path + "/" + String(decoding: entry.name, as: UTF8.self))
            }
            guard rmdir(path) == 0 || errno == ENOENT else { throw failure("rmdir", path) }
        case .file, .other:
            try removeFile(path)
        }
    }

    /// Removes now-empty directories from `directory` up to, not including, `stop`.
    static func pruneEmptyDirectories(from directory: String, stop: String) {
        var current = directory
        // Paths compare as bytes: String.hasPrefix would match canonically equivalent text.
        let inside = Array((stop + "/").utf8)
        while current.utf8.count > inside.count, current.utf8.starts(with: inside) {
            guard rmdir(current) == 0 else { return }
            guard let slash = current.lastIndex(of: "/") else { return }
            current = String(current[..<slash])
        }
    }

    /// Hands freed heap back to the system. Loading a large bucket leaves tens
    /// of megabytes free inside glibc's heap, behind the index that stays;
    /// `malloc_trim` returns those pages. Looked up at run time: other C
    /// libraries do not have it, and then this does nothing.
    static func releaseFreedMemory() {
        #if canImport(Glibc)
        typealias Trim = @convention(c) (Int) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") else { return }
        _ = unsafeBitCast(symbol, to: Trim.self)(0)
        #endif
    }

    static func closeDescriptor(_ fd: Int32) {
        _ = close(fd)
    }

    static func wallClockMilliseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000
    }
}

/// Which version of a file an index entry describes: a rename keeps the inode
/// and mtime, so a journal record written before the rename names the file
/// that lands in place, and a file replaced or edited by hand no longer matches.
struct FileIdentity: Sendable, Equatable {
    var inode: UInt64
    var size: Int64
    var mtimeNanoseconds: Int64
}
