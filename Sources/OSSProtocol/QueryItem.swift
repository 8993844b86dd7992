/// One decoded query parameter. A bare flag (`?live`) has a nil value; `?live=`
/// has `""`. Both count as present everywhere (spec §1.1).
public struct QueryItem: Sendable, Equatable {
    public var name: String
    public var value: String?

    public init(name: String, value: String?) {
        self.name = name
        self.value = value
    }

    /// Splits a raw query string (without `?`) and decodes names and values once,
    /// `+` as a space (see `PercentEncoding.decodeQueryComponent`).
    /// Empty pieces (`a&&b`) are skipped. Returns nil on bad percent-encoding.
    ///
    /// A literal `+` is a space: oss2 sends its parameters through `requests`,
    /// which form-encodes them (`prefix=a+b` for "a b") and signs V4 with `%20`;
    /// Go, Java and the SDKs' presigned URLs write a real plus as `%2B`.
    public static func parse(_ raw: Substring) -> [QueryItem]? {
        var items: [QueryItem] = []
        for rawPiece in raw.split(separator: "&", omittingEmptySubsequences: true) {
            let piece = Substring(String(rawPiece.map { $0 == "+" ? " " : $0 }))
            if let equals = piece.firstIndex(of: "=") {
                guard let name = PercentEncoding.decodeQueryComponent(piece[..<equals]),
                      let value = PercentEncoding.decodeQueryComponent(piece[piece.index(after: equals)...]) else { return nil }
                items.append(QueryItem(name: name, value: value))
            } else {
                guard let name = PercentEncoding.decodeQueryComponent(piece) else { return nil }
                items.append(QueryItem(name: name, value: nil))
            }
        }
        return items
    }
}

extension Array where Element == QueryItem {
    /// The first value of `name`; `""` for a bare flag; nil when absent.
    public func value(_ name: String) -> String? {
        guard let item = first(where: { $0.name == name }) else { return nil }
        return item.value ?? ""
    }

    public func has(_ name: String) -> Bool {
        contains { $0.name == name }
    }
}
