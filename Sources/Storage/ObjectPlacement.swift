/// Where a new key's file goes inside a bucket directory, given what is already
/// on disk: each segment takes its primary name, or its alternate when the
/// primary is held by the other kind of entry (see `KeyPath`). Directories a
/// key needs are created on the way.
enum ObjectPlacement {
    struct Placement {
        var components: [[UInt8]]
        /// Directories made on the way, outermost first (for fsync of their parents).
        var created: [String]
    }

    static func place(key: [UInt8], in bucketDirectory: String) throws -> Placement {
        var directory = bucketDirectory
        var components: [[UInt8]] = []
        var created: [String] = []
        let segments = KeyPath.segments(of: key)
        for (position, segment) in segments.enumerated() {
            let path = KeyPath.path(ofSegment: segment)
            for chunk in path.chunkDirectories {
                let candidate = join(directory, chunk)
                switch FileSystem.kind(candidate) {
                case .directory: break
                case .missing:
                    try FileSystem.makeDirectory(candidate)
                    created.append(candidate)
                case .file, .other: throw occupied(key, candidate)
                }
                directory = candidate
                components.append(chunk)
            }
            let names = [KeyPath.primaryName(path.finalPiece), KeyPath.alternateName(path.finalPiece)]
            let kinds = names.map { FileSystem.kind(join(directory, $0)) }
            let isLast = position == segments.count - 1
            let chosen: Int
            if isLast {
                guard let free = kinds.firstIndex(of: .missing) else { throw occupied(key, join(directory, names[0])) }
                chosen = free
            } else if let existing = kinds.firstIndex(of: .directory) {
                chosen = existing
            } else if let free = kinds.firstIndex(of: .missing) {
                chosen = free
                try FileSystem.makeDirectory(join(directory, names[free]))
                created.append(join(directory, names[free]))
            } else {
                throw occupied(key, join(directory, names[0]))
            }
            directory = join(directory, names[chosen])
            components.append(names[chosen])
        }
        return Placement(components: components, created: created)
    }

    static func join(_ directory: String, _ name: [UInt8]) -> String {
        directory + "/" + String(decoding: name, as: UTF8.self)
    }

    static func joined(_ components: [[UInt8]]) -> [UInt8] {
        Array(components.joined(separator: [KeyPath.slash]))
    }

    /// The relative path to record for a placement: nil when it is the primary one.
    static func recordedPath(_ components: [[UInt8]], key: [UInt8]) -> [UInt8]? {
        components == KeyPath.primaryComponents(of: key) ? nil : joined(components)
    }

    static func relativePath(of entry: ObjectEntry, key: [UInt8]) -> String {
        String(decoding: entry.path ?? joined(KeyPath.primaryComponents(of: key)), as: UTF8.self)
    }

    private static func occupied(_ key: [UInt8], _ path: String) -> StorageError {
        .io("cannot place key \(String(decoding: key, as: UTF8.self)): \(path) is taken by a file the store does not manage")
    }
}
