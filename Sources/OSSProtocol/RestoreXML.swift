/// RestoreObject's optional body:
/// `<RestoreRequest><Days/><JobParameters><Tier/></JobParameters></RestoreRequest>`.
public struct RestoreRequest: Sendable, Equatable {
    /// Restore priorities of Cold Archive and Deep Cold Archive objects.
    public enum Tier: String, Sendable, CaseIterable {
        case expedited = "Expedited"
        case standard = "Standard"
        case bulk = "Bulk"
    }

    /// Days the restored copy stays readable; nil: the default (one day).
    public var days: Int?
    /// nil when the body has no `JobParameters`.
    public var tier: Tier?

    public init(days: Int? = nil, tier: Tier? = nil) {
        self.days = days
        self.tier = tier
    }

    /// An empty body is a request with every default. Elements OSS does not
    /// know (S3's `GlacierJobParameters`, `OutputLocation`, `Type`...) are
    /// MalformedXML, as OSS answers them; a bad `Days` or `Tier` is InvalidArgument.
    public static func parse(_ body: [UInt8]) throws(OSSError) -> RestoreRequest {
        guard !body.isEmpty else { return RestoreRequest() }
        let root = try XMLDocument.parse(body)
        guard root.name == "RestoreRequest" else {
            throw .malformedXML("root element must be RestoreRequest, not \(root.name)")
        }
        var request = RestoreRequest()
        for node in root.children {
            switch node.name {
            case "Days":
                guard let days = Int(node.text), days >= 1 else {
                    throw .invalidArgument("Days must be a positive integer.", name: "Days", value: node.text)
                }
                request.days = days
            case "JobParameters":
                for parameter in node.children where parameter.name != "Tier" {
                    throw .malformedXML("unexpected element \(parameter.name) in JobParameters")
                }
                guard let text = node.text(of: "Tier") else { throw .malformedXML("JobParameters without Tier") }
                guard let tier = Tier(rawValue: text) else {
                    throw .invalidArgument(
                        "Tier must be one of Expedited, Standard, Bulk.", name: "Tier", value: text, ec: "0016-00000703")
                }
                request.tier = tier
            default:
                throw .malformedXML("RestoreRequest does not take \(node.name)")
            }
        }
        return request
    }
}
