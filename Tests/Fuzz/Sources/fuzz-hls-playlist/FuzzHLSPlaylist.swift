import FuzzSupport
import MediaFormats

/// Playlists read back after a restart: any text either parses or is refused,
/// and what parses renders to a playlist that parses the same way again.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHLSPlaylist(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let text = fuzzText(fuzzBytes(data, size))
    guard let parsed = try? ParsedHLSPlaylist(parsing: text) else { return 0 }
    let live = parsed.livePlaylist(windowSize: 3, minimumTargetDuration: 1)
    let rendered = live.render()
    _ = HLSVODPlaylist.render(entries: parsed.entries)
    // Only URIs without line breaks or leading `#` round-trip; ours never have them.
    if parsed.entries.allSatisfy({ !$0.uri.contains(where: \.isNewline) && !$0.uri.hasPrefix("#") }) {
        fuzzCheck((try? ParsedHLSPlaylist(parsing: rendered)) != nil, "a rendered playlist does not parse")
    }
    return 0
}
