/// GetObjectACL's answer.
public enum ObjectACLXML {
    /// `GET /key?acl` → AccessControlPolicy; `acl` is `default` when the
    /// object has no ACL of its own (oss2 reads `AccessControlList/Grant`).
    public static func accessControlPolicy(owner: Owner, acl: String) -> [UInt8] {
        var w = XMLWriter(root: "AccessControlPolicy")
        BucketXML.writeOwner(owner, to: &w)
        w.open("AccessControlList")
        w.element("Grant", acl)
        w.close()
        return w.finish()
    }
}
