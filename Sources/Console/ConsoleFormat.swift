import OSSProtocol

/// Numbers, names and times as the console writes them.
public enum ConsoleFormat {
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }

    /// "1 bucket", "2 buckets".
    public static func plural(_ count: Int, _ word: String, _ plural: String? = nil) -> String {
        "\(count) " + (count == 1 ? word : plural ?? word + "s")
    }

    /// Milliseconds as seconds with three decimals: 2002 → "2.002".
    public static func seconds(milliseconds value: Int64) -> String {
        let fraction = String(abs(value) % 1000)
        return (value < 0 ? "-" : "") + "\(abs(value) / 1000).\(String(repeating: "0", count: 3 - fraction.count))\(fraction)"
    }

    /// One decimal, without a trailing ".0": 44.1, 3, 2.5.
    static func decimal(_ value: Double) -> String {
        let tenths = Int64((value * 10).rounded())
        return tenths % 10 == 0 ? String(tenths / 10) : "\(tenths / 10).\(abs(tenths % 10))"
    }

    /// Bytes in binary units: "512 B", "1.5 KiB", "3.2 MiB".
    public static func bytes(_ count: Int64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(count)
        var unit = 0
        while value >= 1024 && unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return unit == 0 ? "\(count) B" : "\(decimal(value)) \(units[unit])"
    }

    /// Bytes per second as kbit/s (1000 bits), rounded.
    public static func kilobits(bytesPerSecond: Int64) -> Int64 { (bytesPerSecond * 8 + 500) / 1000 }

    /// A span of seconds: "42 s", "3 min 5 s", "2 h 4 min".
    public static func duration(seconds: Int64) -> String {
        let s = max(0, seconds)
        if s < 60 { return "\(s) s" }
        if s < 3600 { return "\(s / 60) min \(s % 60) s" }
        return "\(s / 3600) h \((s % 3600) / 60) min"
    }

    /// `<time>` with the UTC time as text; the page's script rewrites it in the reader's local time.
    static func time(milliseconds: Int64) -> String {
        let iso = OSSTime.iso8601Milliseconds(milliseconds)
        let civil = OSSTime.civil(milliseconds / 1000)
        let text = "\(civil.year)-\(two(civil.month))-\(two(civil.day)) \(two(civil.hour)):\(two(civil.minute)):\(two(civil.second)) UTC"
        return "<time datetime=\"\(iso)\">\(text)</time>"
    }

    private static func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : String(value) }

    /// H.264 `profile_idc` (and constraint_set1 for Constrained Baseline) as its name.
    public static func h264Profile(_ idc: Int, constraintFlags: Int) -> String {
        switch idc {
        case 66: return constraintFlags & 0x40 != 0 ? "Constrained Baseline" : "Baseline"
        case 77: return "Main"
        case 88: return "Extended"
        case 100: return "High"
        case 110: return "High 10"
        case 122: return "High 4:2:2"
        case 244: return "High 4:4:4"
        default: return "profile \(idc)"
        }
    }

    /// `level_idc` 30 → "3.0", 31 → "3.1" (11 with constraint_set3 in Baseline is 1b; shown as 1.1).
    public static func h264Level(_ idc: Int) -> String { "\(idc / 10).\(idc % 10)" }

    /// "H.264 Main 3.0".
    public static func videoCodec(_ stat: LiveVideoStat) -> String {
        guard let details = stat.details else { return stat.codec }
        return "H.264 \(h264Profile(details.profileIDC, constraintFlags: details.constraintFlags)) \(h264Level(details.levelIDC))"
    }

    /// The AAC audio object type's name: 2 → "AAC-LC".
    public static func aacObjectType(_ type: Int) -> String {
        switch type {
        case 1: return "AAC Main"
        case 2: return "AAC-LC"
        case 3: return "AAC SSR"
        case 4: return "AAC LTP"
        case 5: return "HE-AAC"
        case 29: return "HE-AAC v2"
        default: return "AAC (object type \(type))"
        }
    }

    static func channelLayout(_ channels: Int) -> String {
        switch channels {
        case 1: return "mono"
        case 2: return "stereo"
        case 6: return "5.1"
        case 8: return "7.1"
        default: return plural(channels, "channel")
        }
    }

    /// "AAC-LC 44.1 kHz stereo".
    public static func audioCodec(_ stat: LiveAudioStat) -> String {
        let rate = decimal(Double(stat.sampleRate) / 1000) + " kHz"
        guard let details = stat.details else { return "\(stat.codec) \(rate)" }
        return "\(aacObjectType(details.objectType)) \(rate) \(channelLayout(details.channels))"
    }

    /// The RFC 6381 codecs of a live stream, for MediaSource: `avc1.4d401e,mp4a.40.2`.
    public static func codecs(video: LiveVideoStat?, audio: LiveAudioStat?) -> String {
        var parts: [String] = []
        if let video {
            let d = video.details
            parts.append("avc1." + hex(d?.profileIDC ?? 66) + hex(d?.constraintFlags ?? 0xE0) + hex(d?.levelIDC ?? 30))
        }
        if let audio { parts.append("mp4a.40.\(audio.details?.objectType ?? 2)") }
        return parts.joined(separator: ",")
    }

    private static func hex(_ value: Int) -> String {
        let digits = Array("0123456789abcdef")
        return String([digits[(value >> 4) & 15], digits[value & 15]])
    }
}
