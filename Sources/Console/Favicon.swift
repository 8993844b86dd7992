/// The console's icon: a play triangle in a cloud-blue rounded square, as
/// SVG (every current browser takes an SVG icon; no file on disk).
public enum Favicon {
    public static let contentType = "image/svg+xml"

    public static let svg = """
        <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">\
        <rect width="32" height="32" rx="7" fill="#ff6a00"/>\
        <path d="M12 9v14l11-7z" fill="#fff"/></svg>
        """

    public static var bytes: [UInt8] { Array(svg.utf8) }

    /// The same picture inline, sized to the text it sits in.
    static let inline = """
        <svg class="logo" viewBox="0 0 32 32" aria-hidden="true"><rect width="32" height="32" rx="7" fill="#ff6a00"/>\
        <path d="M12 9v14l11-7z" fill="#fff"/></svg>
        """
}
