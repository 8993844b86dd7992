/// OSS multipart upload limits.
public enum MultipartLimits {
    public static let minPartNumber = 1
    public static let maxPartNumber = 10_000
    /// Every part but the last must be at least 100 KB.
    public static let minPartSize: Int64 = 100 * 1024
    public static let defaultMaxUploads = 1000
    public static let maxMaxUploads = 1000
    public static let defaultMaxParts = 1000
    public static let maxMaxParts = 1000
}

/// A part as CompleteMultipartUpload names it.
public struct RequestedPart: Sendable, Equatable {
    public var partNumber: Int
    /// Without quotes.
    public var etag: String

    public init(partNumber: Int, etag: String) {
        self.partNumber = partNumber
        self.etag = etag
    }
}

/// A part as the store holds it.
public struct StoredPartSummary: Sendable, Equatable {
    public var partNumber: Int
    public var etag: String
    public var size: Int64

    public init(partNumber: Int, etag: String, size: Int64) {
        self.partNumber = partNumber
        self.etag = etag
        self.size = size
    }
}

public enum MultipartRules {
    /// `partNumber`: an integer in 1…10000.
    public static func partNumber(_ text: String?) throws(OSSError) -> Int {
        let raw = text ?? ""
        guard let value = strictInt(raw), value >= MultipartLimits.minPartNumber, value <= MultipartLimits.maxPartNumber else {
            throw .invalidPartNumber(raw)
        }
        return value
    }

    /// Checks a CompleteMultipartUpload part list against the uploaded parts,
    /// in the order OSS reports problems: order first, then each part's
    /// existence and ETag, then the size of every part but the last. Returns
    /// the chosen parts in order.
    public static func check(
        _ requested: [RequestedPart], uploaded: [StoredPartSummary], uploadId: String
    ) throws(OSSError) -> [StoredPartSummary] {
        guard !requested.isEmpty else {
            throw .malformedXML("CompleteMultipartUpload must list at least one Part.")
        }
        for (previous, next) in zip(requested, requested.dropFirst()) where next.partNumber <= previous.partNumber {
            throw .invalidPartOrder(uploadId: uploadId)
        }
        var byNumber: [Int: StoredPartSummary] = [:]
        for part in uploaded { byNumber[part.partNumber] = part }
        var chosen: [StoredPartSummary] = []
        for part in requested {
            guard let stored = byNumber[part.partNumber], stored.etag.uppercased() == part.etag.uppercased() else {
                throw .invalidPart(uploadId: uploadId, partNumber: part.partNumber, etag: part.etag)
            }
            chosen.append(stored)
        }
        for part in chosen.dropLast() where part.size < MultipartLimits.minPartSize {
            throw .entityTooSmall(partNumber: part.partNumber, size: part.size)
        }
        return chosen
    }

    /// `x-oss-complete-all: yes`: every uploaded part in order, sizes checked.
    public static func all(_ uploaded: [StoredPartSummary], uploadId: String) throws(OSSError) -> [StoredPartSummary] {
        let sorted = uploaded.sorted { $0.partNumber < $1.partNumber }
        guard !sorted.isEmpty else {
            throw .invalidPart(uploadId: uploadId, partNumber: 0, etag: "")
        }
        for part in sorted.dropLast() where part.size < MultipartLimits.minPartSize {
            throw .entityTooSmall(partNumber: part.partNumber, size: part.size)
        }
        return sorted
    }
}
