/// Errors of AppendObject and symlinks, with the status and `Code` the SDKs
/// map to exceptions (oss2 `PositionNotEqualToLength` reads
/// `x-oss-next-append-position` from the answer's headers).
extension OSSError {
    public static func positionNotEqualToLength(key: String) -> OSSError {
        OSSError(status: 409, code: "PositionNotEqualToLength", message: "Position is not equal to file length",
                 details: [OSSErrorDetail(name: "Key", value: key)])
    }

    public static func objectNotAppendable(key: String) -> OSSError {
        OSSError(status: 409, code: "ObjectNotAppendable", message: "The object is not appendable",
                 details: [OSSErrorDetail(name: "Key", value: key)])
    }

    /// GetSymlink on an object that is not a symlink.
    public static func notSymlink(key: String) -> OSSError {
        OSSError(status: 400, code: "NotSymlink", message: "The specified object is not a symlink.",
                 details: [OSSErrorDetail(name: "Key", value: key)])
    }

    /// GET/HEAD through a symlink whose target is gone.
    public static func symlinkTargetNotExist(target: String) -> OSSError {
        OSSError(status: 404, code: "SymlinkTargetNotExist", message: "The symlink target object does not exist",
                 details: [OSSErrorDetail(name: "SymlinkTarget", value: target)])
    }

    /// GET/HEAD through a symlink that points at another symlink.
    public static func invalidTargetType(target: String) -> OSSError {
        OSSError(status: 400, code: "InvalidTargetType", message: "The symlink target object type is invalid",
                 details: [OSSErrorDetail(name: "SymlinkTarget", value: target)])
    }

    /// A request without a header the operation requires (e.g. PutSymlink's `x-oss-symlink-target`).
    public static func missingArgument(header: String) -> OSSError {
        OSSError(status: 400, code: "MissingArgument", message: "Missing Some Required Arguments.",
                 details: [OSSErrorDetail(name: "ArgumentName", value: header)])
    }
}
