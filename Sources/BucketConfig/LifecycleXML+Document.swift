import OSSProtocol

extension LifecycleXML {
    /// GetBucketLifecycle's answer; also how the rules are stored (parsed
    /// back on load), so what is returned is what runs.
    public static func document(_ configuration: LifecycleConfiguration) -> [UInt8] {
        var w = XMLWriter(root: "LifecycleConfiguration")
        for rule in configuration.rules {
            w.open("Rule")
            w.element("ID", rule.id)
            w.element("Prefix", rule.prefix)
            w.element("Status", rule.enabled ? "Enabled" : "Disabled")
            if let expiration = rule.expiration {
                w.open("Expiration")
                switch expiration.kind {
                case .days(let days): w.element("Days", days)
                case .date(let seconds): w.element("Date", date(seconds))
                case .createdBeforeDate(let seconds): w.element("CreatedBeforeDate", date(seconds))
                case .expiredObjectDeleteMarker(let value): w.element("ExpiredObjectDeleteMarker", value)
                }
                w.close()
            }
            for transition in rule.transitions {
                w.open("Transition")
                write(transition.time, to: &w)
                w.element("StorageClass", transition.storageClass)
                if let value = transition.isAccessTime { w.element("IsAccessTime", value) }
                if let value = transition.returnToStdWhenVisit { w.element("ReturnToStdWhenVisit", value) }
                if let value = transition.allowSmallFile { w.element("AllowSmallFile", value) }
                w.close()
            }
            if let abort = rule.abortMultipartUpload {
                w.open("AbortMultipartUpload")
                write(abort, to: &w)
                w.close()
            }
            for tag in rule.tags { write(tag, to: &w) }
            if let filter = rule.filter {
                w.open("Filter")
                for not in filter.not {
                    w.open("Not")
                    w.element("Prefix", not.prefix)
                    if let tag = not.tag { write(tag, to: &w) }
                    w.close()
                }
                if let size = filter.objectSizeGreaterThan { w.element("ObjectSizeGreaterThan", size) }
                if let size = filter.objectSizeLessThan { w.element("ObjectSizeLessThan", size) }
                w.close()
            }
            w.close()
        }
        return w.finish()
    }

    static func write(_ time: LifecycleTime, to w: inout XMLWriter) {
        switch time {
        case .days(let days): w.element("Days", days)
        case .createdBefore(let seconds): w.element("CreatedBeforeDate", date(seconds))
        }
    }

    static func write(_ tag: ObjectTag, to w: inout XMLWriter) {
        w.open("Tag")
        w.element("Key", tag.key)
        w.element("Value", tag.value)
        w.close()
    }

    /// `2016-12-25T00:00:00.000Z`, as OSS writes lifecycle dates.
    static func date(_ seconds: Int64) -> String {
        OSSTime.iso8601Milliseconds(seconds * 1000)
    }
}
