import Digest

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// What the store keeps in memory about uploads: everything else is on disk
/// (`MultipartFiles`), so uploads survive a restart.
struct MultipartState {
    var counter: UInt32 = 0
    /// Uploads being assembled: their parts must stay as they are until then.
    var completing: Set<String> = []

    mutating func next() -> UInt32 {
        counter &+= 1
        return counter
    }
}

/// Multipart uploads. Part bodies are renamed into the upload's folder
/// (never read into memory); directory changes of all uploads are made
/// under one short lock (renames and unlinks only), so parts of one upload
/// may arrive from many threads at once.
extension ObjectStore {
    func uploadsDirectory(_ bucket: String) -> String {
        layout.records(namespace: MultipartFiles.namespace, bucket: bucket)
    }

    private func uploadDirectory(_ bucket: String, _ uploadId: String) -> String {
        uploadsDirectory(bucket) + "/" + uploadId
    }

    public func initiateMultipartUpload(bucket: String, key: String, metadata: ObjectMetadata) throws -> MultipartUpload {
        _ = try validatedKey(key)
        guard self.bucket(bucket) != nil else { throw StorageError.noSuchBucket(bucket) }
        let now = clock()
        // The folder appears whole, record included, by one rename.
        let staging = makeTempFilePath()
        try FileSystem.makeDirectory(staging)
        do {
            let record = MultipartFiles.encodeRecord(key: key, initiated: now, metadata: metadata)
            try FileContent.create(staging + "/" + MultipartFiles.recordName, bytes: record, fsync: fsync)
            let directory = uploadsDirectory(bucket)
            try FileSystem.makeDirectories(directory)
            let counter = multipart.withLock { $0.next() }
            // Time first, so IDs of one key sort in initiation order.
            let uploadId = MultipartFiles.sequence(milliseconds: now, counter: counter)
                + MultipartFiles.hex(UInt64.random(in: 0..<(1 << 48)), digits: 12)
            try FileSystem.move(staging, directory + "/" + uploadId)
            if fsync { try FileSystem.syncPath(directory, directory: true) }
            return MultipartUpload(bucket: bucket, key: key, uploadId: uploadId, initiated: now, metadata: metadata)
        } catch {
            try? FileSystem.removeTree(staging)
            throw error
        }
    }

    /// The upload `uploadId` of `key`; `noSuchUpload` when there is none (or
    /// it belongs to another key, as OSS answers).
    public func multipartUpload(bucket: String, key: String, uploadId: String) throws -> MultipartUpload {
        guard self.bucket(bucket) != nil else { throw StorageError.noSuchBucket(bucket) }
        guard let upload = readUpload(bucket: bucket, uploadId: uploadId), upload.key == key else {
            throw MultipartError.noSuchUpload(uploadId)
        }
        return upload
    }

    private func readUpload(bucket: String, uploadId: String) -> MultipartUpload? {
        guard MultipartFiles.isValidUploadId(uploadId) else { return nil }
        let path = uploadDirectory(bucket, uploadId) + "/" + MultipartFiles.recordName
        guard FileSystem.kind(path) == .file,
              let bytes = try? FileSystem.readFile(path, limit: MultipartFiles.maxRecordBytes),
              let record = MultipartFiles.decodeRecord(bytes)
        else { return nil }
        return MultipartUpload(bucket: bucket, key: record.key, uploadId: uploadId, initiated: record.initiated, metadata: record.metadata)
    }

    /// Puts the file at `path` (spooled by the caller into `makeTempFilePath()`)
    /// in place as part `partNumber`, replacing an earlier upload of that number.
    public func uploadPart(
        bucket: String, key: String, uploadId: String, partNumber: Int, movingFile path: String, md5: [UInt8]?, crc64: UInt64?
    ) throws -> UploadedPart {
        try checkWriteFault(bucket: bucket, key: key)
        let upload = try multipartUpload(bucket: bucket, key: key, uploadId: uploadId)
        guard let original = FileSystem.lstatInfo(path), FileSystem.kind(of: original) == .file else {
            throw FileSystem.failure("stat", path)
        }
        try checkMovable(path, operation: "part")
        if UInt64(truncatingIfNeeded: original.st_dev) != device {
            // A rename cannot cross file systems: copy in, then drop the original.
            let copy = makeTempFilePath()
            do {
                let digests = try FileContent.copy(path, to: copy)
                let part = try uploadPart(
                    bucket: bucket, key: key, uploadId: uploadId, partNumber: partNumber, movingFile: copy,
                    md5: md5 ?? digests.md5, crc64: crc64 ?? digests.crc64)
                _ = unlink(path)
                return part
            } catch {
                _ = unlink(copy)
                throw error
            }
        }
        var md5 = md5
        var crc64 = crc64
        if md5 == nil || crc64 == nil {
            let digests = try FileContent.digests(ofFile: path)
            md5 = digests.md5
            crc64 = digests.crc64
        }
        guard let info = FileSystem.lstatInfo(path) else { throw FileSystem.failure("stat", path) }
        let size = Int64(info.st_size)
        if fsync { try FileSystem.syncPath(path, directory: false) }
        let directory = uploadDirectory(bucket, uploadId)
        let now = clock()
        return try multipart.withLock { state in
            guard !state.completing.contains(bucket + "/" + uploadId),
                  FileSystem.kind(directory + "/" + MultipartFiles.recordName) == .file
            else { throw MultipartError.noSuchUpload(uploadId) }
            if upload.metadata.attributes[ObjectMetadata.Attribute.sequential] != nil {
                // Sequential uploads take parts in order (the same number again replaces it).
                let highest = try FileSystem.entries(directory).compactMap {
                    MultipartFiles.parsePartFileName(String(decoding: $0.name, as: UTF8.self))?.partNumber
                }.max() ?? 0
                if partNumber < highest { throw MultipartError.partNotSequential(partNumber: partNumber, highest: highest) }
            }
            let name = MultipartFiles.PartName(
                partNumber: partNumber, sequence: MultipartFiles.sequence(milliseconds: now, counter: state.next()),
                lastModified: now, md5: md5 ?? [], crc64: crc64 ?? 0)
            let file = MultipartFiles.partFileName(name)
            try FileSystem.move(path, directory + "/" + file)
            for entry in try FileSystem.entries(directory) {
                let other = String(decoding: entry.name, as: UTF8.self)
                if other != file, MultipartFiles.parsePartFileName(other)?.partNumber == partNumber {
                    try FileSystem.removeFile(directory + "/" + other)
                }
            }
            if fsync { try FileSystem.syncPath(directory, directory: true) }
            return UploadedPart(partNumber: partNumber, size: size, md5: name.md5, crc64: name.crc64, lastModified: now)
        }
    }

    public func uploadPart(bucket: String, key: String, uploadId: String, partNumber: Int, bytes: [UInt8]) throws -> UploadedPart {
        let temporary = makeTempFilePath()
        do {
            try FileContent.create(temporary, bytes: bytes, fsync: false)
            return try uploadPart(
                bucket: bucket, key: key, uploadId: uploadId, partNumber: partNumber, movingFile: temporary,
                md5: Hash.md5(bytes), crc64: CRC64.checksum(bytes))
        } catch {
            _ = unlink(temporary)
            throw error
        }
    }

    /// Copies a byte range of an object as part `partNumber`. `range` sees the
    /// source as it is opened and returns (offset, length) or throws (copy
    /// conditions, a bad range).
    public func uploadPartCopy(
        bucket: String, key: String, uploadId: String, partNumber: Int, sourceBucket: String, sourceKey: String,
        range: (ObjectInfo) throws -> (offset: Int64, length: Int64)
    ) throws -> (part: UploadedPart, source: ObjectInfo) {
        _ = try multipartUpload(bucket: bucket, key: key, uploadId: uploadId)
        let (descriptor, source) = try openObject(bucket: sourceBucket, key: sourceKey)
        defer { FileSystem.closeDescriptor(descriptor) }
        let (offset, length) = try range(source)
        let temporary = makeTempFilePath()
        do {
            let digests = try PartFiles.copyRange(descriptor, offset: offset, length: length, to: temporary)
            let part = try uploadPart(
                bucket: bucket, key: key, uploadId: uploadId, partNumber: partNumber, movingFile: temporary,
                md5: digests.md5, crc64: digests.crc64)
            return (part, source)
        } catch {
            _ = unlink(temporary)
            throw error
        }
    }

    /// The upload and its parts in part-number order.
    public func listParts(bucket: String, key: String, uploadId: String) throws -> (upload: MultipartUpload, parts: [UploadedPart]) {
        let upload = try multipartUpload(bucket: bucket, key: key, uploadId: uploadId)
        let parts = try multipart.withLock { _ in try readParts(bucket: bucket, uploadId: uploadId) }
        return (upload, parts.map(\.part))
    }

    /// Reads the part files of an upload (the caller holds the multipart lock).
    private func readParts(bucket: String, uploadId: String) throws -> [(part: UploadedPart, file: String)] {
        let directory = uploadDirectory(bucket, uploadId)
        guard FileSystem.kind(directory) == .directory else { throw MultipartError.noSuchUpload(uploadId) }
        var newest: [Int: (name: MultipartFiles.PartName, file: String, size: Int64)] = [:]
        for (raw, info) in try FileSystem.entriesWithInfo(directory) {
            let file = String(decoding: raw, as: UTF8.self)
            guard let name = MultipartFiles.parsePartFileName(file), FileSystem.kind(of: info) == .file else { continue }
            if let current = newest[name.partNumber], current.name.sequence >= name.sequence { continue }
            newest[name.partNumber] = (name, file, Int64(info.st_size))
        }
        return newest.values.sorted { $0.name.partNumber < $1.name.partNumber }.map {
            (UploadedPart(partNumber: $0.name.partNumber, size: $0.size, md5: $0.name.md5, crc64: $0.name.crc64,
                          lastModified: $0.name.lastModified), directory + "/" + $0.file)
        }
    }

    /// Removes an upload and its parts.
    public func abortMultipartUpload(bucket: String, key: String, uploadId: String) throws {
        _ = try multipartUpload(bucket: bucket, key: key, uploadId: uploadId)
        try removeUpload(bucket: bucket, uploadId: uploadId, whileCompleting: false)
    }

    /// Moves the folder out of sight in one rename, then deletes it; a crash
    /// in between leaves it in `.oss/tmp`, which start-up empties.
    private func removeUpload(bucket: String, uploadId: String, whileCompleting: Bool) throws {
        let graveyard = makeTempFilePath()
        try multipart.withLock { state in
            if !whileCompleting && state.completing.contains(bucket + "/" + uploadId) {
                throw MultipartError.noSuchUpload(uploadId)
            }
            let directory = uploadDirectory(bucket, uploadId)
            guard FileSystem.kind(directory) == .directory else { throw MultipartError.noSuchUpload(uploadId) }
            try FileSystem.move(directory, graveyard)
        }
        try FileSystem.removeTree(graveyard)
    }

    /// Assembles the parts `choose` picks (it sees all uploaded parts in order
    /// and throws to refuse) into one object, published like any PutObject:
    /// until the rename the previous object stays. `adjust` changes the
    /// object's metadata (type and ETag are set here). The upload is gone afterwards.
    public func completeMultipartUpload(
        bucket: String, key: String, uploadId: String,
        choose: ([UploadedPart]) throws -> [UploadedPart],
        adjust: (inout ObjectMetadata) throws -> Void = { _ in },
        check: ReplaceCheck? = nil
    ) throws -> ObjectInfo {
        try checkWriteFault(bucket: bucket, key: key)
        let upload = try multipartUpload(bucket: bucket, key: key, uploadId: uploadId)
        let token = bucket + "/" + uploadId
        let all = try multipart.withLock { state in
            guard !state.completing.contains(token) else { throw MultipartError.noSuchUpload(uploadId) }
            let parts = try readParts(bucket: bucket, uploadId: uploadId)
            state.completing.insert(token)
            return parts
        }
        defer { _ = multipart.withLock { $0.completing.remove(token) } }
        let chosen = try choose(all.map(\.part))
        var files: [String] = []
        for part in chosen {
            guard let found = all.first(where: { $0.part.partNumber == part.partNumber }) else {
                throw MultipartError.noSuchUpload(uploadId)
            }
            files.append(found.file)
        }
        var metadata = upload.metadata
        metadata.objectType = .multipart
        metadata.etagOverride = UploadedPart.objectETag(chosen)
        try adjust(&metadata)
        let temporary = makeTempFilePath()
        let info: ObjectInfo
        do {
            let md5 = try PartFiles.concatenate(files, to: temporary)
            let crc = CRC64.combine(chosen.map { (crc: $0.crc64, length: $0.size) })
            info = try putObject(bucket: bucket, key: key, movingFile: temporary, md5: md5, crc64: crc, metadata: metadata, check: check)
        } catch {
            _ = unlink(temporary)
            throw error
        }
        try removeUpload(bucket: bucket, uploadId: uploadId, whileCompleting: true)
        return info
    }

    /// Every upload of the bucket, by key (UTF-8 byte order), then by
    /// initiation (upload IDs start with the time).
    public func listMultipartUploads(bucket: String) throws -> [MultipartUpload] {
        guard self.bucket(bucket) != nil else { throw StorageError.noSuchBucket(bucket) }
        let directory = uploadsDirectory(bucket)
        guard FileSystem.kind(directory) == .directory else { return [] }
        var uploads: [MultipartUpload] = []
        for entry in try FileSystem.entries(directory) {
            let id = String(decoding: entry.name, as: UTF8.self)
            if let upload = readUpload(bucket: bucket, uploadId: id) { uploads.append(upload) }
        }
        return uploads.sorted {
            $0.key == $1.key ? $0.uploadId < $1.uploadId : Array($0.key.utf8).lexicographicallyPrecedes(Array($1.key.utf8))
        }
    }

    public func hasMultipartUploads(bucket: String) -> Bool {
        ((try? listMultipartUploads(bucket: bucket)) ?? []).isEmpty == false
    }
}
